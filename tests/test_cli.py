"""The command line, run in-process and as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from arrow2bib.cli import main

from .conftest import ROOT, SAMPLE


def run(*argv, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_convert_to_json_stdout():
    code, out, err = run("convert", str(SAMPLE), "--to", "json")
    assert code == 0, err
    data = json.loads(out)
    (page,) = data["pages"]
    assert page["cluster"] == "Xiuqiang He" and page["declared_papers"] == 13
    assert len(page["papers"]) == 13
    first = page["papers"][0]
    assert set(first) >= {"key", "title", "authors", "authors_status", "venue", "venue_kind",
                          "year", "paper_type", "abstract", "raw_abstract", "urls", "line"}
    assert first["authors"][0] == {"literal": "Shiwei Li", "given": "Shiwei", "family": "Li",
                                   "particle": None, "suffix": None, "nickname": None}
    assert "read 13 paper(s)" in err


def test_default_format_is_json():
    code, out, _ = run("convert", str(SAMPLE), "-q")
    assert code == 0 and json.loads(out)["format"] == "arrow2bib"


def test_output_file_format_from_extension(tmp_path):
    target = tmp_path / "refs.bib"
    code, out, err = run("convert", str(SAMPLE), "-o", str(target))
    assert code == 0, err
    assert out == ""
    assert "@inproceedings{guo2017deepfm," in target.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name != "refs.bib"]


def test_several_inputs(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("AAAI Conference 2019 Conference Paper\nAnother Paper\n• Jo Ko\n",
                     encoding="utf-8")
    code, out, _ = run("convert", str(SAMPLE), str(other), "--to", "json", "-q")
    assert code == 0
    pages = json.loads(out)["pages"]
    assert [len(p["papers"]) for p in pages] == [13, 1]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["convert", str(SAMPLE), "--to", "docx"], "Unknown format 'docx'"),
        (["convert", str(SAMPLE), "-o", "refs.docx"], "Cannot tell the output format"),
        (["convert", str(SAMPLE), "--to", "json", "-O", "nope=1"], "has no option 'nope'"),
        (["convert", str(SAMPLE), "-O", "novalue"], "NAME=VALUE"),
        (["convert"], ""),
        (["frobnicate"], ""),
        # stdin can be read once; an empty -o named no file and went to stdout
        (["convert", "-", "-"], "- (stdin) is given more than once"),
        (["convert", str(SAMPLE), "-o", ""], "-o names no file (an empty path)"),
    ],
)
def test_usage_errors_exit_2(argv, message):
    code, out, err = run(*argv)
    assert code == 2
    assert message in err
    assert out == ""


def test_bad_input_exit_1_and_no_output(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("just some notes\n", encoding="utf-8")
    target = tmp_path / "refs.bib"
    target.write_text("% my existing file\n", encoding="utf-8")
    code, out, err = run("convert", str(SAMPLE), str(bad), "-o", str(target))
    assert code == 1
    assert f"{bad}: This is not an Arrow author page" in err
    assert target.read_text(encoding="utf-8") == "% my existing file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "refs.bib"]


def test_missing_input_exit_1():
    code, out, err = run("convert", "/nonexistent.txt")
    assert code == 1 and "/nonexistent.txt: No such file" in err and out == ""


def test_output_may_not_overwrite_input(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE.read_bytes())
    code, _, err = run("convert", str(page), "--to", "json", "-o", str(page))
    assert code == 2 and "overwrite the input" in err
    assert page.read_bytes() == SAMPLE.read_bytes()


def test_missing_output_directory(tmp_path):
    code, _, err = run("convert", str(SAMPLE), "-o", str(tmp_path / "no" / "refs.bib"))
    assert code == 1 and "does not exist" in err


def test_data_errors_exit_1_but_output_written(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(SAMPLE.read_text(encoding="utf-8").replace("13 papers", "14 papers"),
                    encoding="utf-8")
    target = tmp_path / "out.json"
    code, _, err = run("convert", str(page), "--to", "json", "-o", str(target))
    assert code == 1
    assert f"{page}: error: The page says it lists 14 papers, but 13 were read" in err
    assert "[count-mismatch]" in err
    assert len(json.loads(target.read_text())["pages"][0]["papers"]) == 13


def test_formats_lists_registered():
    code, out, _ = run("formats", "--json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["bibtex"]["extension"] == ".bib"
    assert set(rows) >= {"json", "bibtex", "biblatex", "csljson", "ris", "orcid"}
    code, text, _ = run("formats")
    assert code == 0 and "bibtex" in text


def _subprocess(args, **kwargs):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "arrow2bib", *args], capture_output=True,
                          text=True, env=env, timeout=120, **kwargs)


def test_python_m_and_stdin():
    result = _subprocess(["convert", "-", "--to", "json"], input=SAMPLE.read_text("utf-8"))
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)["pages"][0]
    assert page["source"] == "<stdin>" and len(page["papers"]) == 13


def test_subprocess_error_has_no_traceback():
    result = _subprocess(["convert", "/nonexistent.txt"])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_output_file_mode(tmp_path):
    target = tmp_path / "refs.json"
    old = os.umask(0o022)
    try:
        assert run("convert", str(SAMPLE), "-o", str(target), "-q")[0] == 0
        assert target.stat().st_mode & 0o777 == 0o644
        target.chmod(0o600)
        assert run("convert", str(SAMPLE), "-o", str(target), "-q")[0] == 0
        assert target.stat().st_mode & 0o777 == 0o600  # a replaced file keeps its mode
    finally:
        os.umask(old)


def test_style_option():
    code, out, err = run("convert", str(SAMPLE), "--to", "text", "--style", "apa", "-q")
    assert code == 0, err
    refs = [r for r in out.split("\n\n") if r.strip()]
    assert len(refs) == 13
    assert any(r.startswith("Guo, H., Tang, R., Ye, Y., Li, Z., & He, X. (2017).") for r in refs)
    assert sum("et al." in r for r in refs) == 5  # the five lists the site cut or may have cut
    code, _, err = run("convert", str(SAMPLE), "--to", "ris", "--style", "apa")
    assert code == 2 and "takes no --style" in err


def test_example_script_runs():
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "library_api.py")],
                            capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0, result.stderr
    assert "Xiuqiang He: 13 of 13 papers read" in result.stdout
    assert "@inproceedings{li2025higher," in result.stdout


@pytest.mark.parametrize("command", ["convert", "check"])
def test_help_lists_every_saved_form_read(command, capsys):
    """The forms a directory of pages is read in (read.inputs.PAGE_SUFFIXES) are all named."""
    from arrow2bib.read.inputs import PAGE_SUFFIXES

    code, out, err = run(command, "--help")
    shown = " ".join((out + err + capsys.readouterr().out).split())
    assert all(f"*{suffix}" in shown for suffix in PAGE_SUFFIXES), shown


def test_quiet_and_verbose_together_are_refused(capsys):
    """The usage line says [-q | -v]; both were accepted (and -q won)."""
    assert run("convert", str(SAMPLE), "-q", "-v")[0] == 2
    assert "not allowed with argument -q/--quiet" in capsys.readouterr().err
