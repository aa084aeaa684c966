"""`arrow2bib check` and the reports: text like a compiler, JSON with a documented schema."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from arrow2bib.write.report import REPORT_SCHEMA

from .conftest import ROOT, SAMPLE
from .test_cli import run

LINE = re.compile(r"^(?P<source>.+?):(?:(?P<line>\d+):)? (?P<severity>error|warning|info): "
                  r"(?P<message>.+) \[(?P<code>[a-z][a-z0-9-]*)\]$")


def test_check_text_sample():
    code, out, err = run("check", str(SAMPLE))
    assert code == 0, out + err
    lines = out.splitlines()
    assert len(lines) == 5
    for line in lines:
        match = LINE.match(line)
        assert match, line
        assert match["code"] == "truncated-authors" and match["severity"] == "info"
    assert f"{SAMPLE}:31: info: The author list was cut" in out
    assert "checked 13 paper(s) from 1 page(s): 0 error(s), 0 warning(s), 5 note(s)" in err


def test_check_strict_fails_on_warnings(tmp_path):
    # the bundled page has only notes: strict passes; a venue the table lacks is a warning
    assert run("check", str(SAMPLE), "--strict")[0] == 0
    page = tmp_path / "page.txt"
    page.write_text(SAMPLE.read_text("utf-8").replace("NeurIPS Conference 2025", "Nowhere Workshop 2025", 1), "utf-8")
    code, out, _ = run("check", str(page), "--strict")
    assert code == 1 and "[unknown-venue]" in out


def test_check_json_schema():
    code, out, _ = run("check", str(SAMPLE), "--format", "json")
    assert code == 0
    report = json.loads(out)
    jsonschema.Draft7Validator(REPORT_SCHEMA).validate(report)
    assert report["summary"] == {"papers": 13, "errors": 0, "warnings": 0, "infos": 5}
    keys = [p["key"] for p in report["problems"]]
    assert keys[1] == "cui2025semantic"


def test_report_schema_is_documented_in_readme():
    readme = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")  # moved from the README
    section = readme[readme.index("### The JSON report"):]
    for name in REPORT_SCHEMA["properties"]["problems"]["items"]["required"]:
        assert f"`{name}`" in section, name
    for name in REPORT_SCHEMA["properties"]["summary"]["required"]:
        assert f"`{name}`" in section, name


def test_check_errors_exit_1(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text(SAMPLE.read_text("utf-8").replace("13 papers", "20 papers"), "utf-8")
    code, out, _ = run("check", str(page), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [p["code"] for p in report["problems"] if p["severity"] == "error"] == [
        "count-mismatch"]


def test_check_usage_exit_2():
    assert run("check", str(SAMPLE), "--to", "nope")[0] == 2
    assert run("check", str(SAMPLE), "--format", "xml")[0] == 2


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csljson", "ris", "orcid"])
def test_check_for_format_sample_has_no_missing_required(fmt):
    code, out, _ = run("check", str(SAMPLE), "--to", fmt, "--format", "json")
    report = json.loads(out)
    assert not [p for p in report["problems"]
                if p["code"] == "missing-field" and p["severity"] == "error"]
    assert code == 0


def test_convert_reports_checks_on_stderr_only(tmp_path):
    target = tmp_path / "refs.bib"
    code, out, err = run("convert", str(SAMPLE), "-o", str(target))
    assert code == 0
    assert err.count("[truncated-authors]") == 5
    assert "truncated-authors" not in target.read_text("utf-8")
    assert "read 13 paper(s)" in err and "wrote 13" in err


def test_skip_check(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    page = tmp_path / "twice.txt"
    page.write_text(text + "\n" + text[text.index("NeurIPS Conference 2025"):], encoding="utf-8")
    code, out, _ = run("check", str(page))
    assert "[duplicate]" in out and "[truncated-authors]" in out
    code, out, _ = run("check", str(page), "--skip-check", "duplicate")
    assert "[duplicate]" not in out and "[truncated-authors]" in out
    code, out, _ = run("check", str(page), "--skip-check", "duplicate",
                       "--skip-check", "truncated-authors")
    assert "[duplicate]" not in out and "[truncated-authors]" not in out
    code, _, err = run("check", str(page), "--skip-check", "nope")
    assert code == 2 and "no check 'nope'" in err and "count-mismatch" in err
    code, _, err = run("convert", str(page), "--dedupe", "first", "--skip-check", "duplicate")
    assert code == 2 and "--dedupe needs the duplicate check" in err
