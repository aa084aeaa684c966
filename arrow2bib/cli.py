"""The command line: ``convert``, ``check`` and ``formats``.

The only module that prints or exits. Exit codes: 0 success; 1 bad input, or problems of
severity ``error`` (any warning too under ``--strict``); 2 usage errors (unknown format or
option, bad arguments, ``-o`` naming an input).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from typing import Sequence, TextIO

from . import __version__
from .errors import Arrow2BibError, FormatError, PluginError
from .formats import Formats
from .model import Page, Severity
from .output import write_documents
from .pipeline import DEDUPE_MODES, Outcome, process
from .plugins import get_plugin_manager
from .report import exit_status, render_json, render_text

__all__ = ["main"]

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    pass


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="page file, directory of pages (*.txt, *.html, *.htm), URL, or -")
    parser.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                        help="read the pages in N processes (default 1); output is the same")
    parser.add_argument("--encoding", metavar="NAME",
                        help="the text encoding of the inputs (default: UTF-8 or by BOM)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on warnings too, not only on errors")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arrow2bib",
        description="Turn Arrow Research author pages into clean bibliographies.",
    )
    parser.add_argument("--version", action="version", version=f"arrow2bib {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    convert = sub.add_parser(
        "convert", help="convert pages to a bibliography format",
        description="Read Arrow author pages (files, http(s) URLs, or - for stdin; text or "
        "HTML), check them, and export their papers. Problems go to stderr, never into the "
        "output.")
    _add_input_arguments(convert)
    convert.add_argument("-t", "--to", metavar="NAME", help="output format (see 'formats'); "
                         "default: from -o's extension, else json")
    convert.add_argument("-o", "--output", metavar="PATH",
                         help="write here (atomically) instead of stdout")
    convert.add_argument("--merge-into", metavar="BIB",
                         help="add to this .bib file only the papers it lacks (by the "
                         "duplicate rules), leaving everything in it byte for byte")
    convert.add_argument("-k", "--key-pattern", metavar="PATTERN",
                         help="citation key pattern, default {auth}{year}{title}")
    convert.add_argument("-O", "--option", action="append", default=[], metavar="NAME=VALUE",
                         help="a format option (see 'formats'); repeatable")
    convert.add_argument("--style", metavar="NAME",
                         help="citation style for formats that take one (the same as "
                         "-O style=NAME): a CSL style name such as apa or ieee, or a .csl file")
    convert.add_argument("--dedupe", choices=DEDUPE_MODES, default="keep",
                         help="copies of one paper: keep all and report (default), keep the "
                         "first, or merge them into the first")
    convert.add_argument("-q", "--quiet", action="store_true",
                         help="print only errors on stderr")

    check = sub.add_parser(
        "check", help="check pages and report problems",
        description="Check pages: fields missing for a format, duplicates, cut author lists, "
        "the page's counts. The report goes to stdout.")
    _add_input_arguments(check)
    check.add_argument("-t", "--to", metavar="NAME",
                       help="check the fields this format needs (default: a core minimum)")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="report format (default: text)")

    formats = sub.add_parser("formats", help="list the output formats")
    formats.add_argument("--json", action="store_true", help="as JSON")

    plugins = sub.add_parser("plugins", help="list the installed plugins, as JSON")
    plugins.add_argument("--all", action="store_true", help="include the built-in plugins")
    return parser


def _parse_options(pairs: Sequence[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise _UsageError(f"-O takes NAME=VALUE, not {pair!r}.")
        options[name.strip()] = value
    return options


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


PAGE_SUFFIXES = (".txt", ".html", ".htm")


def _expand(specs: Sequence[str]) -> list[str]:
    """Inputs with each directory replaced by its page files, sorted by name."""
    found: list[str] = []
    for spec in specs:
        if spec != "-" and "://" not in spec and os.path.isdir(spec):
            found.extend(sorted(
                os.path.join(spec, name) for name in os.listdir(spec)
                if name.lower().endswith(PAGE_SUFFIXES)
                and os.path.isfile(os.path.join(spec, name))))
        else:
            found.append(spec)
    return found


def _read(args: argparse.Namespace, err: TextIO) -> list[Page]:
    from .api import parse_file

    specs = _expand(args.inputs)
    if not specs:
        raise _UsageError("No page files (*.txt, *.html, *.htm) in the given directories.")
    if args.jobs < 1:
        raise _UsageError("--jobs takes a number of processes, 1 or more.")
    progress = _Progress(err, len(specs))
    if args.jobs == 1 or len(specs) == 1 or "-" in specs:
        pages = []
        for spec in specs:
            pages.append(parse_file(spec, encoding=args.encoding))
            progress.step()
    else:
        from concurrent.futures import ProcessPoolExecutor
        from functools import partial

        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            pages = []
            chunk = max(1, min(64, len(specs) // (args.jobs * 4)))
            for page in pool.map(partial(parse_file, encoding=args.encoding), specs,
                                 chunksize=chunk):
                pages.append(page)
                progress.step()
    progress.done()
    return pages


class _Progress:
    """A one-line progress count on stderr, only when stderr is a terminal."""

    def __init__(self, err: TextIO, total: int):
        self.err, self.total, self.count = err, total, 0
        self.shown = total > 1 and getattr(err, "isatty", lambda: False)()

    def step(self) -> None:
        self.count += 1
        if self.shown:
            self.err.write(f"\rarrow2bib: read {self.count}/{self.total} pages")
            self.err.flush()

    def done(self) -> None:
        if self.shown:
            self.err.write("\n")


def _summary(outcome: Outcome, pages: int, target: str, fmt: str) -> str:
    tally = {s: sum(p.severity is s for p in outcome.problems) for s in Severity}
    return (
        f"arrow2bib: read {outcome.read} paper(s) from {pages} page(s); wrote "
        f"{outcome.written} as {fmt} to {target}; merged {outcome.merged}; skipped "
        f"{outcome.skipped}; {tally[Severity.ERROR]} error(s), {tally[Severity.WARNING]} "
        f"warning(s), {tally[Severity.INFO]} note(s)."
    )


def _convert(args: argparse.Namespace, formats: Formats, pm, out: TextIO, err: TextIO) -> int:
    if args.merge_into and args.output:
        raise _UsageError("Give either -o or --merge-into, not both.")
    if args.to:
        exporter = formats.get(args.to)
    elif args.output or args.merge_into:
        exporter = formats.for_path(args.output or args.merge_into)
    else:
        exporter = formats.get("json")
    if args.merge_into and not exporter.bibtex_syntax:
        raise _UsageError(f"--merge-into appends BibTeX entries to a .bib file; the "
                          f"{exporter.name} format does not write BibTeX.")
    target_path = args.output or args.merge_into
    if target_path:
        for spec in args.inputs:
            if spec != "-" and "://" not in spec and _same_file(spec, target_path):
                raise _UsageError(f"{target_path}: the output would overwrite the input "
                                  f"{spec}; choose another -o path.")
    options = _parse_options(args.option)
    if args.style is not None:
        if "style" not in exporter.options:
            raise _UsageError(f"The {exporter.name} format takes no --style; formats with "
                              "styles are listed by 'arrow2bib formats' (option style).")
        options["style"] = args.style
    pages = _read(args, err)
    outcome = process(pages, pm=pm, exporter=exporter, key_pattern=args.key_pattern,
                      options=options, dedupe=args.dedupe, export=not args.merge_into)
    documents = outcome.documents
    if args.merge_into:
        target = _merge(args, outcome, exporter, options, pages)
    elif args.output:
        target = ", ".join(str(p) for p in write_documents(args.output, documents))
    else:
        if len(documents) != 1:
            raise _UsageError(
                f"These papers need {len(documents)} {exporter.name} documents; give -o PATH "
                "so they can be written as files.")
        out.write(documents[0].text)
        out.flush()
        target = "stdout"
    shown = [p for p in outcome.problems if not args.quiet or p.severity is Severity.ERROR]
    err.write(render_text(shown))
    if not args.quiet:
        print(_summary(outcome, len(pages), target, exporter.name), file=err)
    return exit_status(outcome.problems, strict=args.strict)


def _merge(args: argparse.Namespace, outcome: Outcome, exporter, options, pages) -> str:
    from .merge import merge_into
    from .pipeline import export_options

    headers = {page.source: page for page in pages}
    opts = export_options(exporter, options, outcome.problems.append, headers)
    merged = merge_into(args.merge_into, outcome.entries, exporter, opts)
    outcome.problems.extend(merged.problems)
    outcome.skipped += len(merged.skipped)
    outcome.entries = merged.added
    state = "updated" if merged.written else "unchanged"
    return f"{args.merge_into} ({state}: {len(merged.added)} added, " \
           f"{len(merged.skipped)} already there)"


def _check(args: argparse.Namespace, formats: Formats, pm, out: TextIO, err: TextIO) -> int:
    exporter = formats.get(args.to) if args.to else None
    pages = _read(args, err)
    outcome = process(pages, pm=pm, exporter=exporter, export=False)
    if args.format == "json":
        out.write(render_json(outcome.problems, papers=outcome.read))
    else:
        out.write(render_text(outcome.problems))
        tally = {s: sum(p.severity is s for p in outcome.problems) for s in Severity}
        print(f"arrow2bib: checked {outcome.read} paper(s) from {len(pages)} page(s): "
              f"{tally[Severity.ERROR]} error(s), {tally[Severity.WARNING]} warning(s), "
              f"{tally[Severity.INFO]} note(s).", file=err)
    return exit_status(outcome.problems, strict=args.strict)


def _formats(args: argparse.Namespace, formats: Formats, out: TextIO) -> int:
    rows = [
        {
            "name": info.name,
            "aliases": list(info.exporter.aliases),
            "extension": info.exporter.extension,
            "plugin": info.plugin,
            "description": info.exporter.description,
            "options": dict(info.exporter.options),
        }
        for info in formats
    ]
    if args.json:
        json.dump(rows, out, indent=2)
        out.write("\n")
        return EXIT_OK
    width = max(len(r["name"]) for r in rows)
    ext_width = max(len(r["extension"]) for r in rows)
    for row in rows:
        print(f"{row['name']:<{width}}  {row['extension']:<{ext_width}}  {row['description']}"
              f"  [{row['plugin']}]", file=out)
        for name, help_text in row["options"].items():
            print(f"{'':<{width}}  {'':<{ext_width}}    -O {name}=...: {help_text}", file=out)
    return EXIT_OK


def _plugins(args: argparse.Namespace, pm, out: TextIO) -> int:
    from .plugins import DEFAULT_PLUGINS, plugin_distribution

    rows = []
    for name, plugin in pm.list_name_plugin():
        builtin = name in DEFAULT_PLUGINS
        if builtin and not args.all:
            continue
        dist = plugin_distribution(pm, name)
        rows.append({
            "name": name,
            "distribution": dist[0] if dist else ("arrow2bib" if builtin else None),
            "version": dist[1] if dist else (__version__ if builtin else None),
            "builtin": builtin,
            "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or ()),
        })
    json.dump(rows, out, indent=2)
    out.write("\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            pm = get_plugin_manager()
            formats = Formats(pm)
        except PluginError as exc:
            print(f"arrow2bib: error: {exc}", file=err)
            return EXIT_USAGE
    for warning in caught:
        print(f"arrow2bib: warning: {warning.message}", file=err)
    commands = {"convert": _convert, "check": _check}
    try:
        if args.command in commands:
            return commands[args.command](args, formats, pm, out, err)
        if args.command == "plugins":
            return _plugins(args, pm, out)
        return _formats(args, formats, out)
    except (_UsageError, FormatError) as exc:
        print(f"arrow2bib: error: {exc}", file=err)
        return EXIT_USAGE
    except Arrow2BibError as exc:
        print(f"arrow2bib: error: {exc}", file=err)
        return EXIT_DATA
    except KeyboardInterrupt:
        print("arrow2bib: interrupted; no output was written.", file=err)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
