"""The closing report fits a screen (issue 18): a table of problem codes with counts and
the first examples, identical messages collapsed; every problem with ``-v`` or in the JSON
``--report FILE``."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import example, given, settings, strategies as st

from arrow2bib.cli import main
from arrow2bib.model import Problem, Severity
from arrow2bib.run._spool import ProblemLog, problem_tuple
from arrow2bib.write.report import REPORT_SCHEMA, Summary

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "xiuqiang-he.txt"
ROW = re.compile(r"^  (?P<code>[a-z][a-z0-9-]*) +(?P<count>[\d,]+)  \(")


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def big_page(page_5k) -> Path:
    return page_5k


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_5000_paper_run_ends_in_a_screen(big_page, tmp_path, jobs):
    report = tmp_path / "report.json"
    code, _, err = _run("convert", str(big_page), "-o", str(tmp_path / "refs.bib"),
                        "--report", str(report), "--jobs", jobs)
    lines = err.splitlines()
    assert code == 0 and "; 0 error(s), " in lines[-1]
    assert len(lines) <= 60, err
    full = json.loads(report.read_text("utf-8"))
    jsonschema.Draft7Validator(REPORT_SCHEMA).validate(full)
    by_code: dict[str, int] = {}
    for problem in full["problems"]:
        by_code[problem["code"]] = by_code.get(problem["code"], 0) + 1
    assert len(full["problems"]) > 5_000  # the flood the table replaces
    shown = {m["code"]: int(m["count"].replace(",", "")) for m in map(ROW.match, lines) if m}
    assert shown == by_code  # a count per problem code, every code
    assert f"{len(full['problems']):,} problem(s) by code (every one: {report})" in lines[0]
    # the thousands of nickname notes collapse into one example
    assert re.search(r"the nickname 'Steve' .* \(and [\d,]{5,} more like this\)$", err, re.M)
    assert str(big_page) + ":" in err  # examples say file:line
    # the command line makes its table as problems are logged (a worker sends each
    # problem's message shape): it is the table the whole list, read back, gives
    summary = Summary()
    for item in full["problems"]:
        summary.add(Problem(code=item["code"], severity=Severity(item["severity"]),
                            message=item["message"], source=item["source"],
                            line=item["line"]))
    assert err.splitlines()[:-1] == summary.lines(full=str(report))


def test_verbose_prints_every_problem(tmp_path):
    from benchmarks.generate import write
    page = tmp_path / "page-1k.txt"  # far over the 20 problems listed without -v
    with page.open("w", encoding="utf-8") as out:
        write(1_000, out)
    report = tmp_path / "report.json"
    _, _, err = _run("convert", str(page), "-o", str(tmp_path / "refs.bib"), "-v",
                     "--report", str(report))
    problems = json.loads(report.read_text("utf-8"))["problems"]
    lines = err.splitlines()
    assert len(problems) > 100 and len(lines) == len(problems) + 1  # and the summary line
    assert lines[0].endswith(f"[{problems[0]['code']}]")


def test_a_small_run_lists_each_problem():
    code, _, err = _run("convert", str(EXAMPLE), "--to", "bibtex")
    assert code == 0
    assert err.count("[truncated-authors]") == 5 and "by code" not in err


def test_check_json_is_the_full_list(tmp_path):
    report = tmp_path / "r.json"
    code, out, _ = _run("check", str(EXAMPLE), "--format", "json", "--report", str(report))
    assert code == 0 and json.loads(out) == json.loads(report.read_text("utf-8"))


def test_report_never_replaces_an_input(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(EXAMPLE.read_bytes())
    code, _, err = _run("convert", str(page), "-o", str(tmp_path / "x.bib"),
                        "--report", str(page))
    assert code == 2 and page.read_bytes() == EXAMPLE.read_bytes()
    assert "--report" in err
    assert not (tmp_path / "x.bib").exists()  # refused before anything was written


def _problem(message: str, line: int, code: str = "c", severity=Severity.WARNING) -> Problem:
    return Problem(code=code, severity=severity, message=message, source="p.txt", line=line)


def test_summary_collapses_alike_messages_and_keeps_memory_bounded():
    summary = Summary(examples=2)
    for n in range(5_002):
        summary.add(_problem(f"The nickname 'N{n}' of 'A{n}' in key{2000 + n % 20} was left out.",
                             line=n + 1))
    for n in range(50):
        summary.add(_problem(f"Distinct sentence number {'x' * (n % 7)}{chr(65 + n % 26)}.",
                             line=n, code="d", severity=Severity.ERROR))
    lines = summary.lines()
    assert lines[1].startswith("  d ") and "(50 error)" in lines[1]  # errors first
    assert "p.txt:1: warning: The nickname 'N0' of 'A0'" in "\n".join(lines)
    assert any(line.endswith("(and 5,001 more like this)") for line in lines)
    assert any("more with other messages" in line for line in lines)
    assert all(len(c.examples) <= 2 for c in summary.codes.values())


def test_repaired_links_collapse_into_one_example_whatever_their_digits():
    # a link's digits are masked as numbers, but "repo1000" has the shape of a citation key:
    # quoted, every link is one varying part, so the notes are one group, not one per shape
    from arrow2bib.exporters._notes import url_notes
    from arrow2bib.model import Paper

    summary = Summary(examples=1)
    for n in (0, 7, 1000, 2024):
        paper = Paper(title=f"T{n}", venue="ICML", venue_kind="Conference", year=2020,
                      raw_abstract=f"Code: https: //github. com/lab/repo{n}.",
                      urls=(f"https://github.com/lab/repo{n}",), source="p.txt", line=n + 1)
        for note in url_notes(paper, "bibtex", f"key{n}"):
            summary.add(note)
    lines = summary.lines()
    assert any(line.endswith("(and 3 more like this)") for line in lines), lines
    assert "more with other messages" not in "\n".join(lines)


@settings(max_examples=400)
@example("'a\\'b' in c'")  # an escaped quote
@example("\"a'b\" in c'")  # single quotes inside double ones
@given(st.text(alphabet=st.sampled_from("ab z2019.'\"\\K_é"), max_size=24))
def test_the_shape_of_a_message_is_the_patterns_whatever_its_quotes(message):
    # the usual messages (quotes in pairs) take a shortcut: it must mask what the pattern does
    from arrow2bib.write.report import _VARYING, message_shape

    assert message_shape(message) == _VARYING.sub("\u2026", message)


_WORDS = ("Alpha", "Beta", "Gamma", "Delta")


def _log_summary(streams: list[tuple[str, bool]]) -> tuple[list[str] | None, list[str]]:
    """The table a summarising log made as problems came, and the one read back from it
    (the problems of each stream in order, the exporter's last, as every report has them)."""
    problems = [(_problem(f"{_WORDS[n // 2 % 4]} of 'T{n}'.", line=n + 1, code=code), export)
                for n, (code, export) in enumerate(streams)]
    with ProblemLog(summarise=True) as log:
        for problem, export in problems:
            if export:  # as a worker sends it: with its shape
                log.add_tuple(problem_tuple(problem, shaped=True), export=True)
            else:
                log.add(problem)
        made = log.summary()
        read_back = Summary().extend(log).lines()
        assert list(log) == ([p for p, export in problems if not export]
                             + [p for p, export in problems if export])
    return (made.lines() if made is not None else None), read_back


def test_a_log_tells_when_its_table_cannot_be_made_as_problems_came():
    made, _ = _log_summary([("a", n % 3 == 0) for n in range(30)])
    assert made is None  # "a" came in both streams: its first examples need the report order
    # codes apart in the two streams: the table made as they came is the one read back
    made, read_back = _log_summary([("a", False), ("b", True)] * 20)
    assert made == read_back
    text = "\n".join(made)
    assert "(and 4 more like this)" in text and "and 5 more with other messages" in text
