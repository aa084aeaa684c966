"""Rendering problems: as compiler-style text, and as JSON with a documented schema.

Text, one problem a line::

    page.txt:42: warning: The author list may have been cut: ... [truncated-authors]

JSON (schema in the README, checked by a test)::

    {"version": 1,
     "summary": {"papers": 13, "errors": 0, "warnings": 5, "infos": 0},
     "problems": [{"code", "severity", "message", "source", "line", "title", "key",
                   "details"}]}
"""

from __future__ import annotations

import io
import json
from typing import Any, Iterable, Mapping, TextIO

from ..model import Problem, Severity

__all__ = ["REPORT_SCHEMA", "counts", "exit_status", "problem_to_dict", "render_json",
           "render_text", "tally", "write_json"]

REPORT_VERSION = 1

#: The JSON report's schema (JSON Schema draft 7), as documented in the README.
REPORT_SCHEMA: Mapping[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "arrow2bib check report",
    "type": "object",
    "required": ["version", "summary", "problems"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": REPORT_VERSION},
        "summary": {
            "type": "object",
            "required": ["papers", "errors", "warnings", "infos"],
            "additionalProperties": False,
            "properties": {k: {"type": "integer", "minimum": 0}
                           for k in ("papers", "errors", "warnings", "infos")},
        },
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "severity", "message", "source", "line", "title", "key",
                             "details"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
                    "severity": {"enum": ["error", "warning", "info"]},
                    "message": {"type": "string", "minLength": 1},
                    "source": {"type": "string"},
                    "line": {"type": ["integer", "null"], "minimum": 1},
                    "title": {"type": ["string", "null"]},
                    "key": {"type": ["string", "null"]},
                    "details": {"type": "object"},
                },
            },
        },
    },
}


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """One problem as a JSON-ready dict (:meth:`Problem.as_dict`)."""
    return problem.as_dict()


def tally(problems: Iterable[Problem]) -> dict[Severity, int]:
    """How many problems of each severity, by severity."""
    result = {severity: 0 for severity in Severity}
    for problem in problems:
        result[problem.severity] += 1
    return result


def counts(problems: Iterable[Problem] | Mapping[Severity, int]) -> dict[str, int]:
    """How many problems of each severity, as the JSON report names them (``errors``...);
    from the problems, or from a :func:`tally` already made."""
    made = problems if isinstance(problems, Mapping) else tally(problems)
    return {f"{severity.value}s": made.get(severity, 0) for severity in Severity}


def render_text(problems: Iterable[Problem]) -> str:
    """Compiler-style lines, one per problem."""
    return "".join(f"{problem}\n" for problem in problems)


def render_json(problems: Iterable[Problem], *, papers: int) -> str:
    """The JSON report."""
    problems = list(problems)
    out = io.StringIO()
    write_json(out, problems, papers=papers, counts=counts(problems))
    return out.getvalue()


def write_json(out: TextIO, problems: Iterable[Problem], *, papers: int,
               counts: Mapping[str, int]) -> None:
    """Write the JSON report problem by problem (``counts`` as :func:`counts` gives them),
    so a run with a million problems needs no memory for them; the text is exactly
    ``json.dumps`` of the whole report with ``indent=2``."""
    summary = json.dumps({"papers": papers, **counts}, ensure_ascii=False, indent=2)
    out.write(f'{{\n  "version": {REPORT_VERSION},\n  "summary": '
              f'{summary.replace(chr(10), chr(10) + "  ")},\n  "problems": [')
    separator = "\n    "
    for problem in problems:
        text = json.dumps(problem_to_dict(problem), ensure_ascii=False, indent=2)
        out.write(separator + text.replace("\n", "\n    "))
        separator = ",\n    "
    out.write("]\n}\n" if separator == "\n    " else "\n  ]\n}\n")


def exit_status(problems: Iterable[Problem] | Mapping[Severity, int], *, strict: bool) -> int:
    """0 when clean; 1 on any error, or on any warning when ``strict``; from the problems or
    from a :func:`tally` already made."""
    made = problems if isinstance(problems, Mapping) else tally(problems)
    failing = made.get(Severity.ERROR, 0) + (made.get(Severity.WARNING, 0) if strict else 0)
    return 1 if failing else 0
