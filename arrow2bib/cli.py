"""The command line: ``convert``, ``check`` and ``formats``.

The only module that prints or exits. Exit codes (the README's table): 0 success; 1 bad
input, output that could not be written, or problems of severity ``error`` (any warning too
under ``--strict``); 2 usage errors (unknown format, option, style, encoding or key pattern,
bad arguments, an output path that would overwrite an input or cannot take output);
130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import errno
import io
import json
import os
import re
import signal
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence, TextIO, cast


from . import __version__, _core, config, venues
from .checks import registered_checks
from .errors import (
    Arrow2BibError,
    FormatError,
    InputError,
    OutputError,
    OutputPathError,
    PluginError,
    SettingError,
)
from .exporters.registry import Formats
from .model import Severity
from .plugins import (DEFAULT_PLUGINS, ENTRY_POINT_GROUP, failed_plugins, get_plugin_manager,
                      plugin_at_fault, plugin_distribution)
from .progress import progress_for
from .read.inputs import Inputs, expand_inputs
from .read.sources import check_encoding
from .run._collector import tuned
from .run._spool import ProblemLog
from .run.convert import Output, Result, convert
from .run.backends import AUTO_JOBS_BYTES, available_cpus, default_jobs, pool_unavailable
from .run.engine import DEDUPE_MODES
from .write.files import (Target, committed_together, resolve_target, write_stream,
                          writes_one_document)
from .write.report import LIST_ALL_UP_TO, Summary, counts, exit_status, write_json

__all__ = ["main"]

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
#: An installed plugin's code raised: named, with its traceback, and no output file written.
EXIT_PLUGIN = 3


class _UsageError(Exception):
    pass


class _StdoutFailed(OutputError):
    """Writing to stdout failed (a full disk where it goes)."""


class _Terminated(BaseException):
    """SIGTERM, raised where the program is, so that every temporary file is removed on the
    way out as for Ctrl-C."""


#: ``--jobs`` at most this many processes per CPU the run may use: the work is CPU-bound,
#: so more only costs memory (a worker holds some 40 MB), and an absurd number would fork
#: until the machine's memory is gone.
JOBS_PER_CPU = 4


def _jobs(value: str) -> int:
    """``--jobs``: a number of processes, at most :data:`JOBS_PER_CPU` per CPU, or ``auto``
    (one per CPU, :func:`~arrow2bib.run.backends.available_cpus`)."""
    if value.strip().lower() == "auto":
        return available_cpus()
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of processes (a number, or auto)") from None
    cpus = available_cpus()
    if jobs > JOBS_PER_CPU * cpus:
        raise argparse.ArgumentTypeError(
            f"{jobs} processes is more than {JOBS_PER_CPU} per CPU this run may use ({cpus} "
            f"CPU(s): at most {JOBS_PER_CPU * cpus}); the work is CPU-bound, so more would "
            "only take memory. Give a smaller number, or auto") from None
    return jobs


def _add_input_arguments(parser: argparse.ArgumentParser, files: object,
                         names: _Names | None = None) -> None:
    _files(parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="page file (text, HTML, or a browser's single-file web archive "
                        "*.mht/*.mhtml), directory of pages (*.txt, *.html, *.htm, *.mht, "
                        "*.mhtml), URL, or -"), files)
    parser.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                        help="work on the pages in N processes (auto: one per CPU this "
                        "process may use; default: 1 for inputs under 2 MiB in all or one "
                        "HTML page, else one per CPU up to 4); the output and the report are "
                        "the same")
    parser.add_argument("--encoding", metavar="NAME",
                        help="the text encoding of the inputs (default: UTF-8 or by BOM)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on warnings too, not only on errors")
    _offer(parser.add_argument(
        "--skip-check", action="append", default=[], metavar="NAME",
        help="do not run this check (count-mismatch, duplicate, missing-field, "
        "truncated-authors, unknown-venue, or a plugin's); 'duplicate' is the one that "
        "compares papers with each other; repeatable"), names, "checks")
    _files(parser.add_argument("--report", metavar="FILE",
                               help="also write every problem to FILE as the JSON report "
                               "(written whole or not at all, as the other outputs)"), files)


#: The shells ``arrow2bib completion`` writes for: shtab's ``SUPPORTED_SHELLS`` (a test keeps
#: them equal), named here so that building the parser does not import shtab on every run.
SHELLS = ("bash", "zsh", "tcsh", "fish", "powershell")


class _Version(argparse._VersionAction):
    """``--version``: arrow2bib's version and core, then the installed plugin distributions
    (from their metadata: none is loaded, so a broken one is listed too, and the answer is
    quick), as a bug report wants them."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from importlib import metadata

        found: dict[str, list[str]] = {}
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = getattr(ep, "dist", None)
            where = f"{dist.name} {dist.version}" if dist is not None else ep.value
            found.setdefault(where, []).append(ep.name)
        plugins = ", ".join(f"{where} ({', '.join(names)})"
                            for where, names in sorted(found.items())) or "none"
        parser._print_message(f"{self.version}\ninstalled plugins: {plugins}\n", sys.stdout)
        parser.exit()


def _files(action: argparse.Action, files: object) -> None:
    """Tell shtab that ``action`` takes file names (``files`` is ``shtab.FILE`` when the
    parser is built for a completion script, else None)."""
    if files is not None:
        action.complete = files  # type: ignore[attr-defined]


#: The names a completion script offers, when the parser is built for one: ``formats`` and
#: ``checks`` -> the registered names (plugins' included). Set only for that parser.
_Names = Mapping[str, Sequence[str]]


def _offer(action: argparse.Action, names: _Names | None, kind: str) -> None:
    """Let shtab complete ``action`` with the registered ``kind`` names (the choices are
    set on the completion script's parser only: a run's parser takes a plugin's later)."""
    if names is not None and names.get(kind):
        action.choices = list(names[kind])


def _parser(files: object = None, names: _Names | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arrow2bib",
        description="Turn Arrow Research author pages into clean bibliographies.",
    )
    compiled = _core.compiled_modules()
    core = (f"compiled core: {len(compiled)} modules, mypyc and C" if compiled else "pure Python")
    parser.add_argument("--version", action=_Version, version=f"arrow2bib {__version__} ({core})",
                        help="show the version, the core and the installed plugins, and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    convert = sub.add_parser(
        "convert", help="convert pages to a bibliography format",
        description="Read Arrow author pages (files, http(s) URLs, or - for stdin; text, "
        "HTML, or a single-file web archive .mht/.mhtml), check them, and export their "
        "papers. Problems go to stderr, never into the output.")
    _add_input_arguments(convert, files, names)
    _offer(convert.add_argument("-t", "--to", metavar="NAME",
                                help="output format (see 'formats'); default: from -o's "
                                "extension, else json"), names, "formats")
    convert.add_argument("-o", "--output", metavar="PATH",
                         help="write here instead of stdout (- is stdout): a file is replaced "
                         "atomically, a symlink's target is replaced and the link kept, a FIFO "
                         "or device is written as it is")
    convert.add_argument("--merge-into", metavar="BIB",
                         help="add to this .bib file only the papers it lacks (by the "
                         "duplicate rules), leaving everything in it byte for byte, in its "
                         "own encoding and line endings; concurrent merges wait for each "
                         "other")
    convert.add_argument("--bib-encoding", metavar="NAME",
                         help="the encoding of the --merge-into file when it is neither "
                         "UTF-8 nor marked by a byte-order mark (for example latin-1)")
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
    talk = convert.add_mutually_exclusive_group()  # as the usage line says: [-q | -v]
    talk.add_argument("-q", "--quiet", action="store_true",
                      help="print only errors on stderr")
    talk.add_argument("-v", "--verbose", action="store_true",
                      help="print every problem on stderr, one a line (by default a run "
                      f"with more than {LIST_ALL_UP_TO} prints a table of problem codes "
                      "with counts and the first examples)")

    check = sub.add_parser(
        "check", help="check pages and report problems",
        description="Check pages: fields missing for a format, duplicates, cut author lists, "
        "the page's counts. The report goes to stdout.")
    _add_input_arguments(check, files, names)
    _offer(check.add_argument("-t", "--to", metavar="NAME",
                              help="check the fields this format needs (default: a core "
                              "minimum)"), names, "formats")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="report format (default: text)")

    formats = sub.add_parser("formats", help="list the output formats")
    formats.add_argument("--json", action="store_true", help="as JSON")

    settings = sub.add_parser(
        "config", help="show the effective settings and where each came from",
        description="Show the settings from the command line's defaults: arrow2bib.toml and "
        "pyproject.toml's [tool.arrow2bib] (the nearest upward from here), the user file, and "
        "ARROW2BIB_* variables; ARROW2BIB_NO_CONFIG=1 ignores every file.")
    settings.add_argument("--json", action="store_true", help="as JSON")

    plugins = sub.add_parser("plugins", help="list the installed plugins, as JSON")
    plugins.add_argument("--all", action="store_true", help="include the built-in plugins")

    completion = sub.add_parser(
        "completion", help="print a shell completion script",
        description="Print a completion script for SHELL, made from this parser by shtab. "
        "bash: 'arrow2bib completion bash > ~/.local/share/bash-completion/completions/"
        "arrow2bib'; zsh: into a folder on $fpath as _arrow2bib; fish: into "
        "~/.config/fish/completions/arrow2bib.fish.")
    completion.add_argument("shell", choices=SHELLS, metavar="SHELL",
                            help=f"one of {', '.join(SHELLS)}")

    serve = sub.add_parser(
        "serve", help="a local web page to paste or drop pages and download any format",
        description="Serve a web page on 127.0.0.1 (this computer only) where pages can be "
        "pasted or dropped, their papers and problems seen, and any format copied or "
        "downloaded. Needs the web extra: pip install 'arrow2bib[web]'.")
    serve.add_argument("--port", type=int, default=8421, metavar="N",
                       help="the port (default 8421; 0 picks a free one)")
    serve.add_argument("--open", action="store_true", help="open the page in the browser")
    return parser


def _parse_options(pairs: Sequence[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise _UsageError(f"-O takes NAME=VALUE, not {pair!r}.")
        options[name.strip()] = value
    return options


def _inputs(args: argparse.Namespace, err: TextIO) -> Inputs:
    """The pages to read (directories expanded: files in them that are not pages are
    skipped, with a warning each)."""
    if args.jobs is not None and args.jobs < 1:
        raise _UsageError("--jobs takes a number of processes, 1 or more, or auto.")
    if args.inputs.count("-") > 1:
        raise _UsageError("- (stdin) is given more than once; stdin can be read once.")
    if args.encoding is not None:
        try:
            check_encoding(args.encoding)
        except InputError as exc:
            raise _UsageError(f"--encoding: {exc.message}") from None
    inputs = expand_inputs(args.inputs, encoding=args.encoding)
    chosen = args.jobs is None  # neither --jobs nor the settings: by the inputs' size
    if chosen:
        args.jobs = default_jobs(inputs.pages)
    args.auto_jobs = chosen and args.jobs > 1
    if args.jobs > 1 and (reason := pool_unavailable()) is not None:
        if not chosen and not getattr(args, "quiet", False):
            print(f"arrow2bib: warning: {args.jobs} processes were asked for, but this system "
                  f"cannot run worker processes ({reason}); working in one.", file=err)
        args.jobs, args.auto_jobs = 1, False
    return inputs


def _configured_format(args: argparse.Namespace, formats: Formats) -> None:
    """The configured format, when ``-t`` is not given and ``-o`` (or ``--merge-into``) does
    not name a file of another format's extension."""
    setting = args.settings.get("format")
    if args.to or setting is None:
        return
    try:
        exporter = formats.get(setting.value)
    except FormatError as exc:
        raise _UsageError(f"{setting.origin}: {exc}") from None
    path = args.output or args.merge_into
    if path is None or os.path.splitext(path)[1].lower() == exporter.extension:
        args.to = setting.value


def _configured_options(args: argparse.Namespace, exporter) -> dict[str, str]:
    """The format options the settings give ``exporter`` (``-O`` beats each)."""
    return {name: setting.value for name, setting in
            args.settings.options(exporter.name, exporter.options).items()}


def _configure(args: argparse.Namespace, pm) -> None:
    """Fill what the command line left unset from the settings (the key pattern, the checks
    to skip), and merge the user's venues over the built-in table."""
    pattern = args.settings.get("key-pattern")
    if getattr(args, "key_pattern", "") is None and pattern is not None:
        from .keys import check_pattern

        try:
            check_pattern(pattern.value)  # a bad pattern names where it was set
        except SettingError as exc:
            raise _UsageError(f"{pattern.origin}: {exc}") from None
        args.key_pattern = pattern.value
    skip = args.settings.get("skip-checks")
    if not args.skip_check and skip is not None:
        names = {check.name for check in registered_checks(pm)}
        unknown = [name for name in skip.value if name not in names]
        if unknown:
            raise _UsageError(f"{skip.origin}: there is no check {unknown[0]!r} (the checks: "
                              f"{', '.join(sorted(names))}).")
        args.skip_check = list(skip.value)
    jobs = args.settings.get("jobs")
    if getattr(args, "jobs", 0) is None and jobs is not None:
        try:
            args.jobs = _jobs(str(jobs.value))  # at most JOBS_PER_CPU per CPU, as --jobs
        except argparse.ArgumentTypeError as exc:
            raise _UsageError(f"{jobs.origin}: jobs: {exc}.") from None
    venues.use_user_entries([setting.value for setting in args.settings.venues()])


def _skipped(args: argparse.Namespace, pm) -> tuple[str, ...]:
    names = {check.name for check in registered_checks(pm)}
    unknown = [name for name in args.skip_check if name not in names]
    if unknown:
        raise _UsageError(f"--skip-check: there is no check {unknown[0]!r} (the checks: "
                          f"{', '.join(sorted(names))}).")
    if "duplicate" in args.skip_check and getattr(args, "dedupe", "keep") != "keep":
        raise _UsageError("--dedupe needs the duplicate check; do not skip it.")
    return tuple(args.skip_check)


def _tally(made) -> str:
    return (f"{made[Severity.ERROR]} error(s), {made[Severity.WARNING]} warning(s), "
            f"{made[Severity.INFO]} note(s)")


def _convert(args: argparse.Namespace, formats: Formats, pm, out: TextIO, err: TextIO) -> int:
    if args.merge_into and args.output:
        raise _UsageError("Give either -o or --merge-into, not both.")
    if args.bib_encoding and not args.merge_into:
        raise _UsageError("--bib-encoding names the encoding of the --merge-into file; give "
                          "--merge-into too.")
    if args.bib_encoding:
        try:
            check_encoding(args.bib_encoding)
        except InputError as exc:
            raise _UsageError(f"--bib-encoding: {exc.message}") from None
    if args.output == "":
        raise _UsageError("-o names no file (an empty path); give a file path, or - for stdout.")
    if args.output == "-":
        args.output = None  # stdout, as for any other tool
    _configured_format(args, formats)
    if args.to:
        exporter = formats.get(args.to)
    elif args.output or args.merge_into:
        exporter = formats.for_path(args.output or args.merge_into)
    else:
        exporter = formats.get("json")
    if args.merge_into and not exporter.bibtex_syntax:
        raise _UsageError(f"--merge-into appends BibTeX entries to a .bib file; the "
                          f"{exporter.name} format does not write BibTeX.")
    if args.merge_into == "-":
        raise _UsageError("--merge-into needs a .bib file to read and update, not -.")
    inputs = _inputs(args, err)
    # decided before any reading: a path that cannot take the output fails at once
    target = resolve_target(args.output, protect=inputs.files) if args.output else None
    report = _report_target(args, inputs)
    if args.merge_into:
        _report_apart(report, "the --merge-into file", args.merge_into)
    elif target is not None and target.kind != "stdout":
        _report_apart(report, "the output (-o)", target.shown)
    elif report is not None and report.kind == "stdout":
        raise _UsageError("--report -: the output goes to stdout already, and the report "
                          "would be mixed into it; give --report a file, or -o a file. "
                          "Nothing was written.")
    options = _configured_options(args, exporter) | _parse_options(args.option)
    if args.style is not None:
        if "style" not in exporter.options:
            raise _UsageError(f"The {exporter.name} format takes no --style; formats with "
                              "styles are listed by 'arrow2bib formats' (option style).")
        options["style"] = args.style
    merged: list = []
    destination: Output
    if args.merge_into:
        destination = _merge_sink(args, exporter, inputs, err, merged)
    elif target is not None:
        destination = target
    else:
        destination = out
    # the closing table is made as problems come, when it is to be shown (see _show_problems)
    with ProblemLog(summarise=not (args.verbose or args.quiet)) as log:
        def run() -> Result:
            return _run(args, inputs, exporter, destination, pm, err, log,
                        dedupe=args.dedupe, key_pattern=args.key_pattern, options=options)

        # the output and the report are renamed into place together, or neither (the
        # --merge-into file is written under its lock, before the report)
        with contextlib.nullcontext() if args.merge_into else committed_together():
            result = _stdout_guarded(run) if destination is out else run()
            if merged:  # --merge-into: the entries already in the file are not written again
                result.skipped += len(merged[0].skipped)
                result.written = len(merged[0].added)
            _write_report(report, log, result, inputs)
        if destination is not out:  # in place now: an interrupt after this must not deny it
            args.written_to = result.where
        _show_problems(args, log, err)
        if not args.quiet and not writes_one_document(exporter):  # a format that numbers
            _warn_stale_numbered(target, result.files, err)
        if not args.quiet:
            print(f"arrow2bib: read {result.read} paper(s) from {len(result.pages)} page(s); "
                  f"wrote {result.written} as {exporter.name} to {result.where}; merged "
                  f"{result.merged}; skipped {result.skipped}; {_tally(log.counts)}.",
                  file=err)
        return exit_status(log.counts, strict=args.strict)


def _run(args: argparse.Namespace, inputs: Inputs, exporter, destination: Output, pm,
         err: TextIO, log: ProblemLog, **settings: Any) -> Result:
    """The run itself (:func:`arrow2bib.convert`), with a progress bar on stderr when it is a
    terminal (:mod:`arrow2bib.progress`), its problems into ``log``."""
    if getattr(args, "verbose", False) and getattr(args, "auto_jobs", False):
        print(f"arrow2bib: working in {args.jobs} processes: the inputs hold "
              f"{AUTO_JOBS_BYTES // 2**20} MiB or more (--jobs 1 for one)", file=err)
    bar = progress_for(err, inputs.pages)
    try:
        return convert(inputs.pages, exporter, destination, skip=_skipped(args, pm),
                       encoding=args.encoding, jobs=args.jobs, pm=pm, protect=inputs.files,
                       progress=bar, problems=inputs.skipped, report=log, **settings)
    finally:
        if bar is not None:
            bar.close()


def _report_target(args: argparse.Namespace, inputs: Inputs) -> Target | None:
    """Where ``--report`` goes, decided before any reading (as ``-o``'s target)."""
    if not args.report:
        return None
    try:
        return resolve_target(args.report, protect=inputs.files)
    except OutputPathError as exc:
        raise _UsageError(f"--report: {exc}") from None


def _warn_stale_numbered(target: Target | None, written: list[Path], err: TextIO) -> None:
    """Numbered files beside the output that this run did not write (``refs-003.xml`` of an
    earlier run with more works): said, so that they are not uploaded with the new ones;
    left as they are (they are the user's files)."""
    if target is None or target.path is None or not written:
        return
    path = target.path
    pattern = re.compile(re.escape(path.stem) + r"-\d{3,}" + re.escape(path.suffix))
    try:
        found = [p for p in path.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return
    stale = sorted(set(found) - set(written))
    if stale:
        names = ", ".join(p.name for p in stale[:5]) + (", ..." if len(stale) > 5 else "")
        print(f"arrow2bib: warning: {len(stale)} numbered file(s) beside {target.shown} are "
              f"from an earlier run, not this one ({names}); they were left as they are: "
              "remove them before using the files of this run together.", file=err)


def _report_apart(report: Target | None, what: str, path: str) -> None:
    """Refuse a ``--report`` path that is also ``path`` (another output of the run), or one
    of the numbered files it may become (``refs-002.xml``): the report would replace it."""
    if report is None or report.path is None:
        return
    from ._identity import identity

    real = Path(os.path.realpath(path))
    numbered = re.fullmatch(re.escape(real.stem) + r"-\d{3,}" + re.escape(real.suffix),
                            report.path.name) is not None and report.path.parent == real.parent
    if identity(report.path) == identity(real) or numbered:
        raise _UsageError(f"--report {report.shown}: this is also {what} ({path}); the report "
                          "would replace it. Give the report a path of its own. Nothing was "
                          "written.")


def _write_report(target: Target | None, log: ProblemLog, result: Result,
                  inputs: Inputs) -> None:
    """``--report FILE``: every problem as the JSON report, written atomically."""
    if target is None:
        return
    write_stream(target, lambda out: write_json(out, log, papers=result.read,
                                                counts=counts(log.counts)),
                 protect=inputs.files)


def _show_problems(args: argparse.Namespace, log: ProblemLog, err: TextIO) -> None:
    """The problems on stderr: every one under ``-v`` or when there are few, else a table
    of codes with counts and examples (:class:`~arrow2bib.write.report.Summary`); only
    errors under ``-q``."""
    quiet = args.quiet and not args.verbose
    if quiet and not log.counts[Severity.ERROR]:
        return  # nothing to show: the problems are not read back from disk
    shown = (problem for problem in log
             if not quiet or problem.severity is Severity.ERROR)
    total = log.counts[Severity.ERROR] if quiet else len(log)
    if args.verbose or total <= LIST_ALL_UP_TO:
        for problem in shown:
            err.write(f"{problem}\n")
        return
    full = args.report or "-v, or --report FILE"
    summary = None if quiet else log.summary()  # made during the run
    if summary is None:
        summary = Summary().extend(shown)
    for line in summary.lines(full=full):
        err.write(f"{line}\n")


def _stdout_guarded(action: Callable[[], Result]) -> Result:
    """Run ``action``, which writes to stdout: a failure to write (a full disk) is one
    :class:`OutputError`; a reader that went away (``| head``) passes up as BrokenPipeError."""
    try:
        return action()
    except (BrokenPipeError, Arrow2BibError):
        raise
    except OSError as exc:
        raise _StdoutFailed(f"stdout: cannot write the output ({exc.strerror or exc}). Check "
                          "the free space where stdout goes, or give -o PATH.") from exc


def _merge_sink(args: argparse.Namespace, exporter, inputs: Inputs, err: TextIO,
                merged: list):
    """The output of ``--merge-into``: the entries appended to the user's .bib file."""
    # imported here: bibtexparser and filelock are for --merge-into only
    from .write.merge_into import merge_into

    def waiting(lock) -> None:
        if not args.quiet:
            print(f"arrow2bib: {args.merge_into} is being merged into by another run "
                  f"(lock {lock}); waiting for it.", file=err)
            err.flush()

    def sink(entries, opts) -> str:
        done = merge_into(args.merge_into, list(entries), exporter, opts,
                          protect=inputs.files, encoding=args.bib_encoding, waiting=waiting)
        for problem in done.problems:
            opts.report(problem)
        merged.append(done)
        if done.updated:
            args.written_to = args.merge_into  # (the report, if any, comes after)
        state = "updated" if done.updated else "unchanged"
        return f"{args.merge_into} ({state}: {len(done.added)} added, " \
               f"{len(done.skipped)} already there)"

    return sink


def _check(args: argparse.Namespace, formats: Formats, pm, out: TextIO, err: TextIO) -> int:
    exporter = formats.get(args.to) if args.to else None
    inputs = _inputs(args, err)
    report = _report_target(args, inputs)
    if report is not None and report.kind == "stdout":
        raise _UsageError("--report -: check writes its report to stdout already (as JSON "
                          "with --format json); give --report a file. Nothing was written.")
    with ProblemLog() as log:
        result = _run(args, inputs, exporter, None, pm, err, log)
        _write_report(report, log, result, inputs)
        if args.format == "json":
            write_json(out, log, papers=result.read, counts=counts(log.counts))
        else:
            for problem in log:
                out.write(f"{problem}\n")
            print(f"arrow2bib: checked {result.read} paper(s) from {len(result.pages)} "
                  f"page(s): {_tally(log.counts)}.", file=err)
        return exit_status(log.counts, strict=args.strict)


def _formats(args: argparse.Namespace, formats: Formats, out: TextIO) -> int:
    rows: list[dict[str, Any]] = [
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


def _config(args: argparse.Namespace, out: TextIO) -> int:
    """``arrow2bib config``: each effective setting and where it came from."""
    settings: config.Settings = args.settings
    rows: list[dict[str, Any]] = []
    for key in ("key-pattern", "format", "skip-checks", "jobs"):
        setting = settings.get(key)
        if setting is not None:
            value = list(setting.value) if key == "skip-checks" else setting.value
            rows.append({"key": key, "value": value, "from": setting.origin})
    for fmt, options in sorted(settings.all_options().items()):
        for name, setting in sorted(options.items()):
            rows.append({"key": f"options.{fmt}.{name}" if fmt else f"options.{name}",
                         "value": setting.value, "from": setting.origin})
    for setting in settings.venues():
        rows.append({"key": f"venues.{setting.value['id']}", "value": setting.value,
                     "from": setting.origin})
    files = [{"kind": kind, "path": str(path) if path else None}
             for kind, path in reversed(settings.searched)]
    if args.json:
        json.dump({"settings": rows, "files": files}, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_OK
    if not rows:
        print("# no settings: every default is the built-in one", file=out)
    for row in rows:
        value = row["value"]
        shown = (f"{{id = {json.dumps(value['id'])}, ...}}" if row["key"].startswith("venues.")
                 else json.dumps(value, ensure_ascii=False))
        print(f"{row['key']} = {shown}  # from {row['from']}", file=out)
    if not settings.searched:
        print(f"# files ignored ({config.ENV_NO_CONFIG} is set)", file=out)
    for item in files:
        print(f"# {item['kind']}: {item['path'] or 'none found'}", file=out)
    return EXIT_OK


def _plugins(args: argparse.Namespace, pm, out: TextIO) -> int:
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
            "error": None,
        })
    for name, (dist_name, version, error) in failed_plugins(pm).items():
        # installed, not loaded: the list is where one looks for why a format is missing
        rows.append({"name": name, "distribution": dist_name, "version": version,
                     "builtin": False, "hooks": [], "error": error})
    json.dump(rows, out, indent=2)
    out.write("\n")
    return EXIT_OK


def _serve(args: argparse.Namespace, err: TextIO) -> int:
    """``serve``: the web page (arrow2bib.web, imported only here: it needs the web extra)."""
    if not 0 <= args.port <= 65535:
        raise _UsageError("--port takes a port number from 0 to 65535.")
    try:
        from .web import serve
    except ImportError as exc:
        raise _UsageError(f"serve needs the web extra ({exc.name or exc} is missing): "
                          "pip install 'arrow2bib[web]'.") from None

    def started(url: str) -> None:
        print(f"arrow2bib: serving the page at {url} (this computer only); Ctrl+C stops.",
              file=err, flush=True)

    try:
        serve(args.port, open_browser=args.open, started=started)
    except OSError as exc:
        raise _UsageError(f"--port {args.port}: cannot listen there ({exc.strerror or exc}); "
                          "give another port, or --port 0 for a free one.") from None
    except (KeyboardInterrupt, _Terminated):
        pass  # stopping a server on Ctrl+C or SIGTERM is how it ends, not a failure
    print("arrow2bib: the page's server stopped.", file=err)
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    # a process started with stdout or stderr closed (``>&-``) has None for them
    out = (sys.stdout or cast(TextIO, _Closed("stdout"))) if out is None else out
    err = (sys.stderr or cast(TextIO, _Closed("stderr", quiet=True))) if err is None else err
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if isinstance(out, _Closed) and _writes_stdout(args):
        print("arrow2bib: error: stdout is closed (the command was started with >&-), and "
              "this command writes to it; give -o FILE, or start it with stdout open. Nothing "
              "was written.", file=err)
        return EXIT_USAGE
    real_stdout = out is sys.stdout
    if real_stdout:
        _encode_stdout(out, args)
    # a plugin's print() goes to stderr: on stdout it would corrupt the output (JSON, BibTeX,
    # a completion script); the command writes to ``out``, the stream kept here
    with contextlib.redirect_stdout(err) if real_stdout else contextlib.nullcontext():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                pm = get_plugin_manager()
                formats = Formats(pm)
            except KeyboardInterrupt:  # Ctrl-C while the plugins load: nothing was done yet
                print("arrow2bib: interrupted; nothing was written.", file=err)
                return EXIT_INTERRUPTED
            except PluginError as exc:
                if args.command not in _DIAGNOSTIC or "pm" not in locals():
                    print(f"arrow2bib: error: {exc}", file=err)
                    return EXIT_USAGE
                # the commands that help find the broken plugin keep working
                print(f"arrow2bib: warning: {exc}", file=err)
                formats = cast(Formats, None)
        for warning in caught:
            print(f"arrow2bib: warning: {warning.message}", file=err)
        with _sigterm_raises():
            return _dispatch(args, formats, pm, out, err)


#: Commands that need no format, and help find a broken plugin: they run past a plugin
#: error (a format name registered twice, a register hook that raised), with a warning.
_DIAGNOSTIC = frozenset({"plugins", "config", "completion"})


#: The commands whose stdout is data (a format's output, JSON, a completion script): written
#: as UTF-8, as files are, whatever the locale says; a report for people keeps the locale's
#: encoding, with what it cannot encode escaped.
def _encode_stdout(out: TextIO, args: argparse.Namespace) -> None:
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        if codecs.lookup(encoding).name == "utf-8":
            return
    except LookupError:
        pass
    data = (args.command in ("convert", "completion", "plugins")
            or getattr(args, "format", None) == "json" or getattr(args, "json", False))
    reconfigure = getattr(out, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(encoding="utf-8") if data else reconfigure(errors="backslashreplace")
        except (ValueError, OSError):  # already written to, or not a text wrapper
            pass


def _writes_stdout(args: argparse.Namespace) -> bool:
    """Whether the command writes to stdout (its output, or its report)."""
    if args.command == "convert":
        return not getattr(args, "merge_into", None) and args.output in (None, "-")
    return True


class _Closed(io.TextIOBase):
    """A standard stream the process was started without: writing to stdout fails as a
    write to a closed descriptor does (the output is never lost in silence, and the run says
    so on stderr); stderr's messages go nowhere (``quiet``), the exit code still tells."""

    def __init__(self, name: str, quiet: bool = False) -> None:
        self.name, self.quiet = name, quiet

    def write(self, text: str) -> int:
        if self.quiet:
            return len(text)
        raise OSError(errno.EBADF, f"{self.name} is closed")

    def isatty(self) -> bool:
        return False


def _dispatch(args: argparse.Namespace, formats: Formats, pm, out: TextIO, err: TextIO) -> int:
    commands = {"convert": _convert, "check": _check}
    try:
        args.settings = config.load()
        if args.command == "config":
            return _config(args, out)
        if args.command in commands:
            args.settings.check_options({
                name.lower(): info.exporter.options for info in formats
                for name in (info.name, *info.exporter.aliases)})
            _configure(args, pm)
            try:
                with tuned():  # the run's own collector settings (restored after)
                    return commands[args.command](args, formats, pm, out, err)
            finally:
                venues.use_user_entries(None)
        if args.command == "plugins":
            return _plugins(args, pm, out)
        if args.command == "completion":
            import shtab  # only here: the other commands never need it

            out.write(shtab.complete(_parser(files=shtab.FILE, names=_names(formats, pm)),
                                     shell=args.shell))
            return EXIT_OK
        if args.command == "serve":
            return _serve(args, err)
        return _formats(args, formats, out)
    except (_UsageError, FormatError, SettingError, OutputPathError, PluginError) as exc:
        print(f"arrow2bib: error: {exc}", file=err)
        return EXIT_USAGE
    except Arrow2BibError as exc:
        print(f"arrow2bib: error: {exc}", file=err)
        if isinstance(exc, _StdoutFailed):
            _silence(out)
        return EXIT_DATA
    except KeyboardInterrupt:
        print(f"arrow2bib: interrupted; {_what_was_written(args)}.", file=err)
        return EXIT_INTERRUPTED
    except _Terminated:
        print(f"arrow2bib: terminated; {_what_was_written(args)}.", file=err)
        return EXIT_TERMINATED
    except BrokenPipeError:
        # the reader of stdout stopped reading (| head): what it wanted, not an error
        _silence(out)
        return EXIT_OK
    except Exception as exc:
        blame = plugin_at_fault(exc, pm)
        if blame is None:  # arrow2bib's own bug: Python's traceback, for a report
            raise
        label, where = blame
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=err)
        print(f"arrow2bib: error: the plugin {label} failed ({type(exc).__name__}: {exc}), "
              f"at {where}; no output file was written"
              + ("; what went to stdout is incomplete" if _writes_stdout(args) else "")
              + ". The traceback above is for the plugin's author.", file=err)
        return EXIT_PLUGIN


def _names(formats: Formats | None, pm) -> dict[str, list[str]]:
    """The format and check names a completion script offers (none of a kind whose plugins
    could not be registered: the script is made anyway, with a warning before it)."""
    names: dict[str, list[str]] = {"formats": [], "checks": []}
    if formats is not None:
        names["formats"] = sorted({name for info in formats
                                   for name in (info.name, *info.exporter.aliases)})
    try:
        names["checks"] = sorted(check.name for check in registered_checks(pm))
    except PluginError:
        pass
    return names


def _what_was_written(args: argparse.Namespace) -> str:
    """What an interrupted command leaves: nothing, or (interrupted after it) its output."""
    written = getattr(args, "written_to", None)
    if written:
        return (f"the output was written before ({written}); what came after it (the "
                "report, the summary) may be missing")
    return "no output was written"


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While the command runs, SIGTERM unwinds it like Ctrl-C (temporary files removed),
    when this is the main thread and no one else set a handler."""
    def terminated(signum, frame):
        raise _Terminated()

    try:
        previous = signal.getsignal(signal.SIGTERM)
        install = previous == signal.SIG_DFL
        if install:
            signal.signal(signal.SIGTERM, terminated)
    except ValueError:  # not the main thread
        install = False
    try:
        yield
    finally:
        if install:
            signal.signal(signal.SIGTERM, previous)


def _silence(out: TextIO) -> None:
    """After stdout failed (a full disk, a closed pipe), point it at /dev/null, so that the
    interpreter's last flush at exit does not fail again with a traceback."""
    if out is not sys.stdout and out is not sys.__stdout__:  # (stdout goes to stderr meanwhile)
        return
    try:
        fd = out.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
