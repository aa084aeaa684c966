"""Severities a ``--strict`` run can live with (issue 18): what the site always causes is a
note, and copies removed by ``--dedupe first|merge`` are one note each, not warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import arrow2bib
from arrow2bib.cli import main
from arrow2bib.plugins import get_plugin_manager

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "xiuqiang-he.txt"
FORMATS = [info.name for info in arrow2bib.formats(get_plugin_manager())]


def _run(*argv: str) -> tuple[int, str, str]:
    import io
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_every_builtin_format_is_listed():
    assert {"bibtex", "biblatex", "csljson", "ris", "orcid", "json", "html", "text",
            "markdown"} <= set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_strict_passes_on_the_bundled_page(fmt, tmp_path):
    out = tmp_path / "refs"
    code, _, err = _run("convert", str(EXAMPLE), "--strict", "--to", fmt, "-o", str(out))
    assert code == 0, err
    assert "0 error(s), 0 warning(s)" in err
    # the site's cut author lists are still reported, as notes
    code, report, _ = _run("check", str(EXAMPLE), "--to", fmt, "--format", "json")
    cut = [p for p in json.loads(report)["problems"] if p["code"] == "truncated-authors"]
    assert len(cut) == 5 and {p["severity"] for p in cut} == {"info"}


def _copies(tmp_path: Path) -> Path:
    """The bundled page twice in one directory: every paper of the second is a copy."""
    pages = tmp_path / "pages"
    pages.mkdir()
    text = EXAMPLE.read_text("utf-8")
    (pages / "a.txt").write_text(text, "utf-8")
    (pages / "b.txt").write_text(text, "utf-8")
    return pages


@pytest.mark.parametrize("mode", ["first", "merge"])
def test_removed_copies_are_one_note_each(mode, tmp_path):
    pages = _copies(tmp_path)
    code, _, err = _run("convert", str(pages), "--to", "bibtex", "-o",
                        str(tmp_path / "out.bib"), "--dedupe", mode, "--strict", "-v")
    assert code == 0, err
    assert "[duplicate]" not in err
    notes = [line for line in err.splitlines() if line.endswith("[dedupe]")]
    assert len(notes) == 13 and all(": info: " in line and "b.txt:" in line for line in notes)
    # the note still says what it copied, and where
    assert all("a.txt:" in line for line in notes)


def test_kept_copies_are_still_warnings(tmp_path):
    pages = _copies(tmp_path)
    code, _, err = _run("convert", str(pages), "--to", "bibtex", "-o",
                        str(tmp_path / "out.bib"), "--strict", "-v")
    assert code == 1
    assert sum(line.endswith("[duplicate]") for line in err.splitlines()) == 13
