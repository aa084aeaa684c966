"""--merge-into as a user's bibliography needs it: through links, under concurrent runs, in the
file's own encoding and line endings, idempotent whatever the titles' scripts, and recognising
entries other tools wrote (DBLP, Google Scholar, Zotero with Better BibTeX, by hand).

The files in tests/data/merge are written as those tools write them (see its README.md);
expected.json says which page paper each entry is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import bibtexparser
import filelock
import pytest

from arrow2bib.write.merge_into import lock_path

from .conftest import ROOT, SAMPLE
from .test_cli import run

MERGE = ROOT / "tests" / "data" / "merge"
EXPECTED = json.loads((MERGE / "expected.json").read_text(encoding="utf-8"))
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def _page_titles() -> list[str]:
    import arrow2bib

    return [paper.title for paper in arrow2bib.parse_file(SAMPLE).papers]


def _keys(path: Path, encoding: str = "utf-8") -> list[str]:
    text = path.read_bytes().decode(encoding)
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return [entry.key for entry in library.entries]


# -- recognising what other tools wrote --------------------------------------------------------
@pytest.mark.parametrize("name", ["dblp.bib", "scholar.bib", "betterbibtex.bib",
                                  "handwritten.bib"])
def test_entries_written_elsewhere_are_recognised(tmp_path, name):
    original = (MERGE / name).read_bytes()
    bib = tmp_path / name
    bib.write_bytes(original)
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 0, err
    data = bib.read_bytes()
    assert data.startswith(original)  # the user's bytes, untouched
    rows = EXPECTED[name]
    same = {row["page_title"]: row["key"] for row in rows if row["kind"] == "same-paper"}
    versions = {row["page_title"]: row["key"] for row in rows
                if row["kind"] == "preprint-version"}
    titles = _page_titles()
    added = len(titles) - len(same)
    assert f"{added} added, {len(same)} already there)" in err
    for title, key in same.items():
        # every paper left out names the entry it matched
        line = next(line for line in err.splitlines() if f"already there as {key} (" in line)
        assert "[merge-skipped]" in line
    for title, key in versions.items():
        assert any(f"holds a preprint of this paper as {key}" in line and "[merge-version]"
                   in line for line in err.splitlines()), err
    new = bibtexparser.parse_string(data[len(original):].decode("utf-8"))
    new_titles = {e.fields_dict["title"].value for e in new.entries}
    assert not new_titles & set(same)  # none of the papers already there came again
    assert len(new.entries) == added
    # and a second run adds nothing
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 0 and bib.read_bytes() == data and "(unchanged: 0 added, 13 already" in err


def test_handwritten_file_keeps_its_crlf_line_endings(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_bytes((MERGE / "handwritten.bib").read_bytes())
    assert b"\r\n" in bib.read_bytes()
    run("convert", str(SAMPLE), "--merge-into", str(bib))
    data = bib.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")  # no bare LF was added


def test_a_strange_title_is_not_matched_to_a_strangers_entry(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@inproceedings{other,\n  title = {DeepFM: A Factorization-Machine based "
                   "Neural Network for CTR Prediction},\n  author = {Nobody, Anne},\n"
                   "  year = {2017}\n}\n", encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 0 and "13 added, 0 already there" in err  # no family name in common


# -- symlinks and locks --------------------------------------------------------------------------
def test_merge_through_a_symlink_updates_the_target(tmp_path):
    real = tmp_path / "thesis" / "refs.bib"
    real.parent.mkdir()
    real.write_bytes((MERGE / "dblp.bib").read_bytes())
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert len(_keys(real)) == 7 + 9
    assert [p.name for p in tmp_path.iterdir() if p.is_file() and not p.is_symlink()] == []


def _other_page(tmp_path: Path) -> Path:
    """A page of 12 papers that are not on the sample page."""
    from benchmarks.generate import write

    path = tmp_path / "other.txt"
    with open(path, "w", encoding="utf-8") as out:
        write(12, out, seed=7)
    return path


def test_concurrent_merges_wait_for_each_other_and_both_land(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("% mine\n", encoding="utf-8")
    other = _other_page(tmp_path)
    lock = filelock.FileLock(lock_path(bib))
    lock.acquire()  # this test is the other merge holding the file
    try:
        runs = [subprocess.Popen([sys.executable, "-m", "arrow2bib", "convert", str(page),
                                  "--merge-into", str(bib)], stderr=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, env=ENV, text=True)
                for page in (SAMPLE, other)]
        errs: list[list[str]] = [[], []]
        readers = [threading.Thread(target=lambda p=p, e=e: e.extend(p.stderr), daemon=True)
                   for p, e in zip(runs, errs)]
        for reader in readers:
            reader.start()
        deadline = time.monotonic() + 120
        while not all(any("waiting for it" in line for line in e) for e in errs):
            assert time.monotonic() < deadline, errs
            assert all(p.poll() is None for p in runs), errs
            time.sleep(0.05)
        time.sleep(0.5)
        # both wait: nothing was written while the lock is held
        assert all(p.poll() is None for p in runs)
        assert bib.read_text(encoding="utf-8") == "% mine\n"
    finally:
        lock.release()
    for process, reader in zip(runs, readers):
        assert process.wait(timeout=120) == 0
        reader.join(timeout=60)
    keys = _keys(bib)
    assert len(keys) == 13 + 12 and len(set(keys)) == 25  # each saw the other's entries
    assert bib.read_text(encoding="utf-8").startswith("% mine\n")


def test_merge_into_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "refs.bib"
    os.mkfifo(fifo)
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(fifo))
    assert code == 2 and "needs a regular .bib file" in err


def test_merge_into_an_input_is_refused(tmp_path):
    page = tmp_path / "page.bib"
    page.write_bytes(SAMPLE.read_bytes())
    code, _, err = run("convert", str(page), "--merge-into", str(page))
    assert code == 2 and "would overwrite the input" in err
    assert page.read_bytes() == SAMPLE.read_bytes()


# -- encodings, line endings, scripts ----------------------------------------------------------
def _scripts_page(tmp_path: Path) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("Beyond Higher Rank: Token-wise Input-Output Projections for Efficient "
                        "Low-Rank Adaptation", "低秩适配的逐词元输入输出投影")
    text = text.replace("Semantic Retrieval Augmented Contrastive Learning for Sequential "
                        "Recommendation", "Семантический поиск для последовательных "
                        "рекомендаций")
    text = text.replace("Towards Hybrid-grained Feature Interaction Selection for Deep Sparse "
                        "Network", "面向深度稀疏网络的混合粒度特征交互选择")
    path = tmp_path / "scripts.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_merge_is_idempotent_with_chinese_and_russian_titles(tmp_path, fmt):
    page = _scripts_page(tmp_path)
    bib = tmp_path / "refs.bib"
    counts = []
    for _ in range(4):
        code, _, err = run("convert", str(page), "--to", fmt, "--merge-into", str(bib))
        assert code == 0, err
        counts.append(len(_keys(bib)))
    assert counts == [13, 13, 13, 13]


def test_utf16_file_is_recognised_and_stays_utf16(tmp_path):
    first = tmp_path / "first.bib"
    run("convert", str(SAMPLE), "--merge-into", str(first))
    text = first.read_text(encoding="utf-8")
    one = text[: text.index("\n@", 1) + 1]  # the first entry
    bib = tmp_path / "refs.bib"
    bib.write_bytes(one.encode("utf-16"))  # with its byte-order mark
    code, _, err = run("convert", str(SAMPLE), "--to", "biblatex", "--merge-into", str(bib))
    assert code == 0 and "12 added, 1 already there" in err, err
    data = bib.read_bytes()
    assert data.startswith(one.encode("utf-16"))
    assert len(_keys(bib, "utf-16")) == 13  # the whole file is UTF-16


def test_latin1_file_takes_ascii_entries_and_refuses_what_it_cannot_hold(tmp_path):
    original = ("% Bibliographie de Jérôme\n@article{knuth1984,\n  author = {Knuth, Donald "
                "E.},\n  title = {Literate Programming},\n  journal = {Comput. J.},\n"
                "  year = {1984}\n}\n").encode("latin-1")
    page = _scripts_page(tmp_path)
    bib = tmp_path / "refs.bib"
    bib.write_bytes(original)
    # biblatex writes UTF-8: the file's encoding is unknown, so nothing is changed
    code, _, err = run("convert", str(page), "--to", "biblatex", "--merge-into", str(bib))
    assert code == 1 and "is not UTF-8 and has no byte-order mark" in err
    assert "--bib-encoding" in err and bib.read_bytes() == original
    # named as Latin-1, the Chinese titles cannot be held: refused, naming why
    code, _, err = run("convert", str(page), "--to", "biblatex", "--merge-into", str(bib),
                       "--bib-encoding", "latin-1")
    assert code == 1 and "cannot hold" in err and bib.read_bytes() == original
    # the default BibTeX output is ASCII, which any 8-bit file holds
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 0, err
    data = bib.read_bytes()
    assert data.startswith(original) and data[len(original):].isascii()
    assert len(_keys(bib, "latin-1")) == 14


def _accented_page(tmp_path: Path, *authors: str) -> Path:
    """A page of one paper whose title and authors are not ASCII (Latin-1 can hold them)."""
    page = tmp_path / "page.txt"
    page.write_text("Author name cluster\n\nXiandi Lué\n\n1 papers\n1 author row\n\n"
                    "NeurIPS Conference 2024 Conference Paper\n\nÉtude des réseaux\n\n"
                    + "".join(f"  • {name}\n" for name in authors) + "\nUn résumé.\n",
                    encoding="utf-8")
    return page


def test_latin1_file_named_takes_latin1_entries(tmp_path):
    original = "% Jérôme\n".encode("latin-1")
    page = _accented_page(tmp_path, "Xiandi Lué", "René Müller")
    bib = tmp_path / "refs.bib"
    bib.write_bytes(original)
    code, _, err = run("convert", str(page), "--to", "biblatex", "--merge-into", str(bib),
                       "--bib-encoding", "latin-1")
    assert code == 0, err
    data = bib.read_bytes()
    assert data.startswith(original) and "Lué".encode("latin-1") in data
    assert "Étude des réseaux".encode("latin-1") in data
    assert _keys(bib, "latin-1") == ["lue2024etude"]


def test_a_file_bibtexparser_cannot_read_is_one_message_at_its_line(tmp_path, capfd):
    """An unbalanced brace: one error in arrow2bib's words with the file, the block's line
    and bibtexparser's reason (the reason was empty, "()", and bibtexparser's own log lines
    went to stderr before it); the file unchanged."""
    bib = tmp_path / "refs.bib"
    text = "@misc{ok, title = {Fine}}\n\n@article{a,\n  title = {Unbalanced,\n  year = 2020\n}\n"
    bib.write_text(text, encoding="utf-8")
    code, out, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-q")
    captured = capfd.readouterr()
    assert code == 1 and out == ""
    assert err == (f"arrow2bib: error: {bib}:3: bibtexparser cannot read the block that starts "
                   "here (Unexpectedly reached end of file); fix it first. Nothing was "
                   "changed.\n")
    assert "Parsing of" not in captured.err  # nothing of bibtexparser's own
    assert bib.read_text(encoding="utf-8") == text


# -- found by the merge QA session (each fails without its fix) ----------------------------
_ONE = ("@article{knuth1984,\n  author = {Knuth, Donald E.},\n  title = {Literate "
        "Programming},\n  journal = {Comput. J.},\n  year = {1984}\n}\n")


def test_a_change_another_program_saves_during_the_merge_is_kept(tmp_path, monkeypatch):
    """The lock keeps other arrow2bib runs out, not JabRef or a sync client: an entry saved
    into the file while the merge ran was lost (the file, read before, replaced whole).
    The editor's save is made at a fixed moment here: when the merge parses what it read."""
    import importlib

    merging = importlib.import_module("arrow2bib.write.merge_into")
    bib = tmp_path / "refs.bib"
    bib.write_text(_ONE, encoding="utf-8")
    saved = "\n@misc{fromjabref,\n  title = {Saved by JabRef meanwhile}\n}\n"
    parse = merging.bibtexparser.parse_string

    def parse_while_an_editor_saves(text, *args, **kwargs):
        if saved not in bib.read_text(encoding="utf-8"):  # one save
            with open(bib, "a", encoding="utf-8") as editor:
                editor.write(saved)
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(merging.bibtexparser, "parse_string", parse_while_an_editor_saves)
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 1 and "the file changed while arrow2bib was merging into it" in err
    assert bib.read_text(encoding="utf-8") == _ONE + saved
    assert sorted(p.name for p in tmp_path.iterdir()) == [".refs.bib.lock", "refs.bib"]


def test_a_file_the_user_cannot_write_is_not_replaced(tmp_path, monkeypatch):
    """A read-only file (or another user's) was replaced through a temporary file, which
    the folder allowed: its content changed, its owner too. (Root may write any file, so
    under root the test asks os.access as a user would be answered for mode 444.)"""
    bib = tmp_path / "refs.bib"
    bib.write_text(_ONE, encoding="utf-8")
    bib.chmod(0o444)
    if os.geteuid() == 0:
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if (
            mode & os.W_OK and os.path.realpath(path) == str(bib)) else real_access(
                path, mode, **kw))
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 1 and "permission denied: this file is not writable by you" in err
    assert bib.read_text(encoding="utf-8") == _ONE


def test_the_lock_file_is_as_writable_as_the_file_merged_into(tmp_path):
    """A lock left by one user (mode 644) kept every other user of a shared file out."""
    bib = tmp_path / "refs.bib"
    bib.write_text(_ONE, encoding="utf-8")
    bib.chmod(0o664)
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-q")
    assert code == 0, err
    assert (lock_path(bib).stat().st_mode & 0o777) == 0o664


def test_an_interrupt_after_the_merge_does_not_say_nothing_was_written(tmp_path, monkeypatch):
    """Ctrl-C after the file was replaced (while the report was written) said "no output was
    written". The interrupt is raised at that moment here, as the signal would."""
    from arrow2bib import cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_write_report", interrupted)
    bib = tmp_path / "refs.bib"
    bib.write_text(_ONE, encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 130 and "no output was written" not in err
    assert f"the output was written before ({bib})" in err
    assert len(_keys(bib)) == 14


def test_utf8_with_a_stray_byte_is_refused_at_its_line(tmp_path):
    """One byte that is not UTF-8 made the whole file read as Latin-1: its UTF-8 names no
    longer matched, and the page's papers already there were added again."""
    text = (_ONE + "\n@misc{cafe,\n  title = {Caf\xe9}\n}\n").encode("latin-1")
    text = "% Bibliographie de Jérôme\n".encode("utf-8") + text
    bib = tmp_path / "refs.bib"
    bib.write_bytes(text)
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 1 and f"{bib}:10: The file to merge into is UTF-8 text with a byte" in err
    assert "(0xE9)" in err and bib.read_bytes() == text


def test_bib_encoding_does_not_apply_to_a_utf8_file(tmp_path):
    """--bib-encoding latin-1 on a valid UTF-8 file appended Latin-1 bytes to it (a file of
    two encodings); the option is for files that are not UTF-8, as its help says."""
    original = "% Jérôme\n".encode("utf-8")
    page = _accented_page(tmp_path, "Xiandi Lué")
    bib = tmp_path / "refs.bib"
    bib.write_bytes(original)
    code, _, err = run("convert", str(page), "--to", "biblatex", "--merge-into", str(bib),
                       "--bib-encoding", "latin-1")
    assert code == 0, err
    assert "Étude des réseaux" in bib.read_bytes().decode("utf-8")  # one encoding: UTF-8


@pytest.mark.parametrize("text, what", [
    ('[{"id": "x", "title": "A"}]\n', "JSON"),
    ("TY  - JOUR\nTI  - A\nER  - \n", "RIS"),
    ("\\documentclass{article}\n\\begin{document}\nHi\n\\end{document}\n", "LaTeX"),
    ('<?xml version="1.0"?>\n<works/>\n', "XML"),
])
def test_a_file_of_another_format_is_not_merged_into(tmp_path, text, what):
    bib = tmp_path / "refs.bib"
    bib.write_text(text, encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "--to", "bibtex")
    assert code == 1 and "holds no BibTeX entry, and reads as" in err and what in err
    assert bib.read_text(encoding="utf-8") == text


def test_an_entry_of_another_kind_of_work_does_not_hide_the_paper(tmp_path):
    """@software (the paper's code), @online, @thesis of the paper's title were taken for the
    paper, which was then not added (an info note only)."""
    bib = tmp_path / "refs.bib"
    bib.write_text("@software{deepfm-code,\n  title = {DeepFM: A Factorization-Machine based "
                   "Neural Network for CTR Prediction},\n  author = {Guo, Huifeng},\n"
                   "  year = {2017}\n}\n", encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-v")
    assert code == 0, err
    keys = _keys(bib)
    assert "guo2017deepfm" in keys and len(keys) == 14
    assert "an @software entry of the same title (not the paper) as deepfm-code" in err


def test_a_key_that_took_a_suffix_is_reported(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{guo2017deepfm,\n  title = {Another Work Entirely},\n"
                   "  year = {2001}\n}\n", encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-v")
    assert code == 0, err
    assert "guo2017deepfma" in _keys(bib)
    assert (f"Added as guo2017deepfma: {bib} has an entry guo2017deepfm (another work), so "
            "the key took a suffix") in err


# -- the .bib files of the merge QA session's second list (each fails without its fix) --------
def _bibtex_reads(tmp_path: Path, bib: Path) -> tuple[int, str]:
    """The real bibtex over ``bib`` (every entry cited): its exit code and its .blg."""
    folder = tmp_path / "bibtex"
    folder.mkdir()
    (folder / "refs.bib").write_bytes(bib.read_bytes())
    (folder / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n")
    done = subprocess.run(["bibtex", "doc"], cwd=folder, capture_output=True, timeout=120)
    return done.returncode, (folder / "doc.blg").read_text(errors="replace")


needs_bibtex = pytest.mark.skipif(not shutil.which("bibtex"),
                                  reason="bibtex is not on PATH (CI installs TeX Live)")


def test_a_lone_at_sign_at_the_end_is_refused_at_its_line(tmp_path):
    """bibtex reads a command from an "@" on, over the blank lines: the first entry appended
    became an entry of type "@inproceedings", printed as @misc (its booktitle lost)."""
    bib = tmp_path / "refs.bib"
    text = _ONE + "\n@\n\n"
    bib.write_text(text, encoding="utf-8")
    code, out, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-q")
    assert code == 1 and out == ""
    assert err == (f"arrow2bib: error: {bib}:8: A lone '@' ends the file: bibtex would read "
                   "the first entry appended as part of it (and print it with the wrong "
                   "type). Remove it first. Nothing was changed.\n")
    assert bib.read_text(encoding="utf-8") == text
    # an "@" elsewhere (an address in a comment) is bibtex's own business, not refused
    bib.write_text(_ONE + "\n% corrections to jane.doe@uni.edu\n", encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-q")
    assert code == 0, err


def test_a_file_with_cr_line_endings_gets_cr_entries(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(_ONE.replace("\n", "\r").encode())
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-q")
    assert code == 0, err
    data = bib.read_bytes()
    assert b"\n" not in data and data.count(b"@") == 14
    assert len(_keys(bib)) == 14


@needs_bibtex
def test_a_key_bibtex_reads_inside_a_comment_is_not_taken_again(tmp_path):
    """bibtex skips only the word of ``@comment{...}`` and reads an entry inside it: the
    page's guo2017deepfm appended under that key was bibtex's "Repeated entry" (dropped)."""
    bib = tmp_path / "refs.bib"
    bib.write_text("@comment{old, do not cite: @misc{guo2017deepfm, title = {Notes on DeepFM}, "
                   "year = {2017}}}\n\n@comment{@inproceedings{li2025higher}}\n\n" + _ONE,
                   encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-v")
    assert code == 0, err
    assert "guo2017deepfma" in _keys(bib) and "guo2017deepfm" not in _keys(bib)
    assert "li2025highera" in _keys(bib)  # a key with no field after it, too
    assert (f"Added as guo2017deepfma: {bib} has an @comment with an entry guo2017deepfm in "
            "it, which bibtex reads, so the key took a suffix") in err
    returncode, blg = _bibtex_reads(tmp_path, bib)
    assert "Repeated entry" not in blg and returncode in (0, 1), blg


def test_string_macros_joined_with_hash_are_read(tmp_path):
    """``title = dfmtitle # " for {CTR} Prediction"`` was read as the macro's name and a
    quote: the paper it is was added again."""
    bib = tmp_path / "refs.bib"
    bib.write_text(
        '@string{dfmtitle = "{DeepFM}: A Factorization-Machine based Neural Network"}\n'
        '@string{guo = "Guo, Huifeng"}\n@string{both = guo # " and He, Xiuqiang"}\n\n'
        '@inproceedings{dfm,\n  title = dfmtitle # " for {CTR} Prediction",\n'
        '  author = both,\n  booktitle = IJCAI17,\n  month = aug,\n  year = 2017\n}\n',
        encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-v")
    assert code == 0, err
    assert "Not added: already there as dfm" in err and "12 added, 1 already there" in err


@pytest.mark.parametrize("value, expected", [
    ('{plain}', "plain"),
    ('"quoted {with} braces"', "quoted {with} braces"),
    ('2019', "2019"),
    ('aug', "aug"),  # an unknown macro stays its name
    ('tpami', "IEEE TPAMI"),
    ('"A" # "B"', "AB"),
    ('tpami # { } # 2019', "IEEE TPAMI 2019"),
    ('{C# Programming}', "C# Programming"),  # a # in braces joins nothing
    ('"in "quotes" badly"', '"in "quotes" badly"'),  # not a value bibtex reads: as written
    ('{unclosed', "{unclosed"),
    ('"A" # ', '"A" # '),
])
def test_a_value_is_read_as_bibtex_reads_it(value, expected):
    from arrow2bib.write.merge_into import _value

    assert _value(value, {"tpami": "IEEE TPAMI"}) == expected


def test_a_repeated_key_or_field_is_a_warning_not_a_refusal(tmp_path):
    """bibtex and biber read such files (with a warning); bibtexparser does not, and the
    merge was refused with bibtexparser's internals in the message."""
    bib = tmp_path / "refs.bib"
    text = ("@article{dup,\n  title = {One},\n  year = {2001},\n}\n\n"
            "@article{dup,\n  title = {DeepFM: A Factorization-Machine based Neural Network "
            "for CTR Prediction},\n  author = {Guo, Huifeng},\n  year = {2017},\n}\n\n"
            "@article{twice,\n  title = {Two},\n  title = {Two again},\n  year = {2002},\n}\n")
    bib.write_text(text, encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-v")
    assert code == 0, err
    assert (f"{bib}:6: warning: A second entry with the key dup (the first at line 1): bibtex "
            "and biber skip it, and so did the merge (a paper only it holds is added under a "
            "key of its own); give it a key of its own. [merge-file]") in err
    assert (f"{bib}:12: warning: The entry twice has title more than once (bibtex reads the "
            "first, biber the last); the merge read the first. Keep one. [merge-file]") in err
    # the DeepFM entry is the skipped second 'dup': \cite{dup} gives 'One', so the paper is
    # added (it was "already there as dup", which no citation could reach)
    data = bib.read_text(encoding="utf-8")
    assert "already there as dup" not in err and "{guo2017deepfm," in data[len(text):]
    assert data.startswith(text)


def test_an_institution_or_et_al_as_author_does_not_veto_the_match(tmp_path):
    """``{Fang et al.}`` was read as the family name "al.", an institution's name as its
    last word: no family in common with the page's authors, so the papers were added again
    (the same title and year) without a note."""
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@inproceedings{fang15,\n  author = {{Fang et al.}},\n  title = {Personalized Tag "
        "Recommendation through Nonlinear Tensor Factorization Using Gaussian Kernel},\n"
        "  booktitle = {AAAI},\n  year = {2015},\n}\n\n@inproceedings{unbert21,\n"
        "  author = {{Huawei Noah's Ark Lab}},\n  title = {{UNBERT}: User-News Matching "
        "{BERT} for News Recommendation},\n  booktitle = {IJCAI},\n  year = {2021},\n}\n\n"
        "@inproceedings{stranger,\n  author = {{Barnes and Noble} and Nobody, Anne},\n"
        "  title = {DeepFM: A Factorization-Machine based Neural Network for CTR "
        "Prediction},\n  year = {2017}\n}\n", encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-v")
    assert code == 0, err
    assert "already there as fang15" in err and "already there as unbert21" in err
    assert "11 added, 2 already there" in err  # Nobody's DeepFM is another paper


def test_an_entry_with_names_written_family_name_first_is_recognised(tmp_path):
    """``author = {Fang Xiaomin and Pan Rong}`` (family name first, no comma, as many write
    Chinese names by hand) shared no family name with the page's "Xiaomin Fang": the paper
    was appended again with no note."""
    bib = tmp_path / "refs.bib"
    bib.write_text("@inproceedings{mine,\n  title = {Personalized Tag Recommendation through "
                   "Nonlinear Tensor Factorization Using {G}aussian Kernel},\n  author = {Fang "
                   "Xiaomin and Pan Rong},\n  booktitle = {AAAI},\n  year = {2015}\n}\n",
                   encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib), "-v")
    assert code == 0, err
    assert "already there as mine" in err and "12 added, 1 already there" in err
