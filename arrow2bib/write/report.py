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

import functools
import io
import json
import re
from typing import Any, Iterable, Mapping, TextIO

from .._json_text import indented
from ..model import Problem, Severity

__all__ = ["REPORT_SCHEMA", "CodeSummary", "Summary", "counts", "exit_status",
           "message_shape", "problem_to_dict", "render_json", "render_text", "tally", "write_json"]

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
    for problem in problems:  # json.dumps(..., indent=2), its lines moved 4 spaces in
        out.write(separator + indented(problem_to_dict(problem), 2))
        separator = ",\n    "
    out.write("]\n}\n" if separator == "\n    " else "\n  ]\n}\n")


def exit_status(problems: Iterable[Problem] | Mapping[Severity, int], *, strict: bool) -> int:
    """0 when clean; 1 on any error, or on any warning when ``strict``; from the problems or
    from a :func:`tally` already made."""
    made = problems if isinstance(problems, Mapping) else tally(problems)
    failing = made.get(Severity.ERROR, 0) + (made.get(Severity.WARNING, 0) if strict else 0)
    return 1 if failing else 0


# -- the closing report that fits a screen -----------------------------------------------------

#: At most this many distinct messages are shown per problem code.
EXAMPLES = 3
#: Runs with at most this many problems list every one (a small run reads like a compiler's).
LIST_ALL_UP_TO = 20


class CodeSummary:
    """One problem code's count and its first few distinct messages, each with where it came
    first and how many times it came (identical messages are one example)."""

    def __init__(self, code: str, examples: int = EXAMPLES) -> None:
        self.code = code
        self.count = 0
        self.severities = {severity: 0 for severity in Severity}
        self.limit = examples
        #: message shape -> [(source, line, severity, message) of its first, how many times];
        #: at most ``limit`` shapes
        self.examples: dict[str, list[Any]] = {}

    def add(self, problem: Problem) -> None:
        self.add_values(problem.severity, problem.message, problem.source, problem.line)

    def add_values(self, severity: Severity, message: str, source: str,
                   line: int | None, shape: str | None = None) -> None:
        """:meth:`add` for a problem given by its fields (as a run's problem log has them);
        ``shape`` is :func:`message_shape` of ``message`` when the caller has it already."""
        self.count += 1
        self.severities[severity] += 1
        if shape is None:
            shape = message_shape(message)
        seen = self.examples.get(shape)
        if seen is not None:
            seen[1] += 1
        elif len(self.examples) < self.limit:
            self.examples[shape] = [(source, line, severity, message), 1]

    @property
    def severity(self) -> Severity:
        """The gravest severity among this code's problems."""
        return next(s for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                    if self.severities[s]) if self.count else Severity.INFO


class Summary:
    """Problems counted per code as they stream past, in bounded memory (a count and at most
    :data:`EXAMPLES` messages per code), rendered as a table that fits a screen."""

    def __init__(self, examples: int = EXAMPLES) -> None:
        self.codes: dict[str, CodeSummary] = {}
        self.examples = examples
        self.total = 0

    def add(self, problem: Problem) -> None:
        """Count one problem."""
        self.add_values(problem.code, problem.severity, problem.message, problem.source,
                        problem.line)

    def add_values(self, code: str, severity: Severity, message: str, source: str,
                   line: int | None, shape: str | None = None) -> None:
        """Count one problem, given by its fields (and its message's shape, when known)."""
        self.total += 1
        summary = self.codes.get(code)
        if summary is None:
            summary = self.codes[code] = CodeSummary(code, self.examples)
        summary.add_values(severity, message, source, line, shape)

    def joined(self, later: Summary) -> Summary | None:
        """This table and ``later``'s, as one table of this one's problems followed by
        ``later``'s; None when a code is in both (its first examples depend on the order in
        which the two tables' problems came, which they do not keep)."""
        if self.codes.keys() & later.codes.keys():
            return None
        table = Summary(self.examples)
        table.codes = {**self.codes, **later.codes}
        table.total = self.total + later.total
        return table

    def extend(self, problems: Iterable[Problem]) -> Summary:
        for problem in problems:
            self.add(problem)
        return self

    def lines(self, *, full: str | None = None) -> list[str]:
        """The table: a line per code (gravest first, then by count), each followed by its
        examples as ``file:line: severity: message``, ``(and N more like this)`` when the
        same message came again, and how many other messages the code had. ``full`` says
        where the full list is."""
        if not self.codes:
            return []
        order = sorted(self.codes.values(), key=lambda c: (_GRAVITY[c.severity], -c.count,
                                                           c.code))
        width = max(len(c.code) for c in order)
        lines = [f"arrow2bib: {self.total:,} problem(s) by code"
                 + (f" (every one: {full})" if full else "") + ":"]
        for code in order:
            by = ", ".join(f"{n:,} {s.value}" for s, n in code.severities.items() if n)
            lines.append(f"  {code.code:<{width}}  {code.count:>9,}  ({by})")
            shown = 0
            for first, times in code.examples.values():
                more = f" (and {times - 1:,} more like this)" if times > 1 else ""
                lines.append(f"      {_clip(_line(*first))}{more}")
                shown += times
            if code.count > shown:
                others = code.count - shown
                lines.append(f"      ... and {others:,} more with other messages")
        return lines


#: What differs between messages that say the same thing of different papers: quoted names,
#: titles and keys, and numbers ("the nickname 'Steve' of 'Xue (Steve) Liu' in liu2023x").
_VARYING = re.compile(r"'[^'\\]*(?:\\.[^'\\]*)*'|\"[^\"\\]*(?:\\.[^\"\\]*)*\"|\b[a-z]+\d{4}[a-z]*\b"
                      r"|\d+(?:\.\d+)?")


@functools.lru_cache(maxsize=64)  # a third of a run's messages repeat one another exactly
def message_shape(message: str) -> str:
    """``message`` with what varies from paper to paper masked: identical messages, and
    messages alike but for names, titles, keys and numbers, collapse into one example (of
    the closing table, :class:`Summary`)."""
    if "\\" in message or '"' in message or message.count("'") % 2:
        return _VARYING.sub("\u2026", message)
    # the usual message: single quotes in pairs, nothing escaped. Each quoted part is masked
    # whole, as _VARYING would; the text between them, the same from one paper to the next
    # but for keys and numbers, is masked apart (a quote is no word character, so the
    # pattern's word boundaries fall the same) and remembered
    parts = message.split("'")
    return "\u2026".join(_unquoted_shape(part) for part in parts[::2])


@functools.lru_cache(maxsize=256)
def _unquoted_shape(text: str) -> str:
    return _VARYING.sub("\u2026", text)


_GRAVITY = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _line(source: str, line: int | None, severity: Severity, message: str) -> str:
    """``file:line: severity: message`` (the code heads the table's group)."""
    where = source or "<input>"
    if line is not None:
        where = f"{where}:{line}"
    return f"{where}: {severity.value}: {message}"


def _clip(text: str, width: int = 200) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
