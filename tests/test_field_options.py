"""Field options of the BibTeX-family exports (issue 18): ``omit``, ``order`` and ``sort``,
read back by bibtexparser; sorting on disk in flat memory on a 10^5-paper page."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest

from arrow2bib.cli import main
from arrow2bib.text.fold import fold_ascii
from arrow2bib.write.sort import external_sort

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "xiuqiang-he.txt"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _entries(text: str):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return library.entries


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_omit_leaves_fields_out(fmt):
    _, whole, _ = _run("convert", str(EXAMPLE), "--to", fmt)
    code, out, err = _run("convert", str(EXAMPLE), "--to", fmt, "-O", "omit=abstract,note")
    assert code == 0, err
    before, after = _entries(whole), _entries(out)
    assert [e.key for e in before] == [e.key for e in after]
    assert any("abstract" in e.fields_dict for e in before)
    for old, new in zip(before, after):
        assert "abstract" not in new.fields_dict and "note" not in new.fields_dict
        assert {k: f.value for k, f in new.fields_dict.items()} == {
            k: f.value for k, f in old.fields_dict.items() if k not in ("abstract", "note")}


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_order_puts_fields_first(fmt):
    year = "year" if fmt == "bibtex" else "date"
    code, out, err = _run("convert", str(EXAMPLE), "--to", fmt, "-O", f"order={year},title")
    assert code == 0, err
    for entry in _entries(out):
        assert [f.key for f in entry.fields][:2] == [year, "title"]
    default = _entries(_run("convert", str(EXAMPLE), "--to", fmt)[1])
    assert [f.key for f in default[0].fields][:2] == ["author", "title"]


def test_sort_orders():
    papers = {e.key: e for e in _entries(_run("convert", str(EXAMPLE), "--to", "bibtex")[1])}

    def keys(order: str) -> list[str]:
        code, out, err = _run("convert", str(EXAMPLE), "--to", "bibtex", "-O", f"sort={order}")
        assert code == 0, err
        return [e.key for e in _entries(out)]

    assert keys("key") == sorted(papers)
    years = [int(papers[k].fields_dict["year"].value) for k in keys("year")]
    assert years == sorted(years) and len(set(years)) > 3
    titles = [fold_ascii(papers[k].fields_dict["title"].value.replace("{", "").replace("}", ""))
              .casefold() for k in keys("title")]
    assert titles == sorted(titles)
    assert keys("page") == list(papers)  # one page: the page's order


def test_sorted_output_is_the_same_with_jobs(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("b.txt", "a.txt"):
        (pages / name).write_text(EXAMPLE.read_text("utf-8").replace(
            "Xiuqiang He", f"Xiuqiang He {name}"), "utf-8")
    serial = _run("convert", str(pages), "--to", "biblatex", "-O", "sort=title")
    parallel = _run("convert", str(pages), "--to", "biblatex", "-O", "sort=title", "-j", "2")
    assert serial[0] == parallel[0] == 0 and serial[1] == parallel[1]
    assert len(_entries(serial[1])) == 26


@pytest.mark.parametrize("option,words", [
    ("omit=abstrct", "names no field 'abstrct'"),
    ("order=title,nosuch", "names no field 'nosuch'"),
    ("sort=author", "sort='author' is not known"),
])
def test_bad_field_options_are_usage_errors(option, words, tmp_path):
    out = tmp_path / "refs.bib"
    code, _, err = _run("convert", str(EXAMPLE), "-o", str(out), "-O", option)
    assert code == 2 and words in err and not out.exists()


def test_field_options_are_listed_by_formats():
    _, out, _ = _run("formats")
    for name in ("omit", "order", "sort"):
        assert out.count(f"-O {name}=...") == 2  # bibtex and biblatex


def test_external_sort_is_stable_across_many_runs():
    items = [([n % 7, f"k{n % 3}"], f"text {n}\n") for n in range(2_000)]
    got = list(external_sort(iter(items), run_bytes=100))  # about 200 runs on disk
    assert got == [text for _key, text in sorted(items, key=lambda item: item[0])]


#: The checks are not what is measured here: they are skipped, in both runs.
NO_CHECKS = [arg for name in ("count-mismatch", "truncated-authors", "unknown-venue",
                              "missing-field", "duplicate", "invalid-math")
             for arg in ("--skip-check", name)]


def _peak_rss_kib(tmp_path: Path, page: Path, *runs: tuple[str, ...], run_bytes: int
                  ) -> list[tuple[int, Path]]:
    """Convert with each run's options, in child processes side by side, the external sort's
    runs cut at ``run_bytes``; each one's peak resident size (getrusage), in KiB, and its
    output."""
    script = ("import resource, sys\nfrom arrow2bib.cli import main\n"
              "from arrow2bib.write.sort import external_sort\n"
              f"external_sort.__kwdefaults__['run_bytes'] = {run_bytes}\n"
              "code = main(sys.argv[1:])\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\nsys.exit(code)\n")
    started = []
    for number, options in enumerate(runs):
        out = tmp_path / f"refs{number}.bib"
        started.append((subprocess.Popen(
            [sys.executable, "-c", script, "convert", str(page), "--to", "bibtex", "-q", "-o",
             str(out), *NO_CHECKS, *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True), out))
    got = []
    for process, out in started:
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr
        got.append((int(stdout.split()[-1]), out))
    return got


def test_sort_and_omit_in_flat_memory_on_a_large_page(tmp_path):
    from benchmarks.generate import write
    page = tmp_path / "page-6k.txt"
    with page.open("w", encoding="utf-8") as handle:
        write(6_000, handle)
    # both without abstracts (the bulk of the formatting time; omit is tested on its own
    # above): the same entries, unsorted and sorted, the sort's runs cut at 64 KiB instead
    # of 4 MiB (the same code on a sixteenth of the 10^5 page that the default runs need)
    (baseline, plain), (peak, sorted_out) = _peak_rss_kib(
        tmp_path, page, ("-O", "omit=abstract"), ("-O", "sort=key", "-O", "omit=abstract"),
        run_bytes=64 * 1024)
    whole = plain.stat().st_size // 1024
    # An in-memory sort holds every entry's text: the baseline plus at least the output's
    # size (about 1.5 MB here). On disk, the sort adds one run and the merge's one line per
    # run (a few hundred KB), not the output.
    assert peak < baseline + whole // 2, (baseline, peak, whole)
    keys, abstracts = [], 0
    with sorted_out.open(encoding="utf-8") as text:
        for line in text:
            if line.startswith("@"):
                keys.append(line[line.index("{") + 1:-2])
            abstracts += line.startswith("  abstract = ")
    assert len(keys) == 6_000 and keys == sorted(keys) and abstracts == 0
    assert whole > 1_200 and sorted_out.stat().st_size == plain.stat().st_size
