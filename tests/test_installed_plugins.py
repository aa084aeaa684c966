"""Plugins installed as distributions, seen by the real CLI in a subprocess.

Each test makes a real (minimal) installed distribution: a module plus a ``.dist-info``
folder with an ``entry_points.txt`` on the subprocess's path, which is exactly what pip
leaves behind, so importlib.metadata finds it as it finds any installed plugin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from .conftest import ROOT, SAMPLE

GOOD = '''
from arrow2bib import Exporter, hookimpl

class Shout(Exporter):
    name = "shout"
    extension = ".shout"
    description = "titles in capitals"
    def export(self, entries, out, options):
        for entry in entries:
            out.write(entry.paper.title.upper() + "\\n")

@hookimpl
def register_exporters(register):
    register(Shout())
'''
BROKEN = "import a_module_that_does_not_exist_anywhere\n"


def install(site, dist, module, source):
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[arrow2bib]\n{module} = {module}\n",
                                           encoding="utf-8")


def cli(site, *args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ARROW2BIB_")}
    environ.update(PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]), **env)
    return subprocess.run([sys.executable, "-m", "arrow2bib", *args], capture_output=True,
                          text=True, env=environ, timeout=120)


@pytest.fixture
def site(tmp_path):
    install(tmp_path, "arrow2bib-shout", "arrow2bib_shout", GOOD)
    install(tmp_path, "arrow2bib-broken", "arrow2bib_broken", BROKEN)
    return tmp_path


def test_installed_plugin_works_and_broken_one_warns(site):
    result = cli(site, "formats", "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["shout"]["plugin"] == "arrow2bib_shout (arrow2bib-shout 1.2.3)"
    assert "bibtex" in rows
    assert "arrow2bib: warning: The arrow2bib plugin 'arrow2bib_broken' from arrow2bib-broken " \
           "1.2.3 could not be loaded (ModuleNotFoundError" in result.stderr
    assert "Traceback" not in result.stderr
    converted = cli(site, "convert", str(SAMPLE), "--to", "shout", "-q")
    assert converted.returncode == 0
    assert converted.stdout.splitlines()[11].startswith("DEEPFM: A FACTORIZATION")


def test_strict_mode_fails_clearly(site):
    result = cli(site, "formats", ARROW2BIB_STRICT_PLUGINS="1")
    assert result.returncode == 2
    assert "arrow2bib: error: The arrow2bib plugin 'arrow2bib_broken'" in result.stderr
    assert "Traceback" not in result.stderr


def test_load_plugins_selects(site):
    result = cli(site, "formats", "--json", ARROW2BIB_LOAD_PLUGINS="")
    assert "shout" not in {r["name"] for r in json.loads(result.stdout)}
    assert "warning" not in result.stderr
    result = cli(site, "formats", "--json", ARROW2BIB_LOAD_PLUGINS="arrow2bib_shout")
    assert "shout" in {r["name"] for r in json.loads(result.stdout)}
    assert "warning" not in result.stderr


def test_version_names_the_installed_plugins_broken_ones_too(site):
    """A bug report's first line: --version named no plugin."""
    done = cli(site, "--version")
    assert done.returncode == 0 and done.stdout.startswith("arrow2bib ")
    line = done.stdout.splitlines()[1]  # (with whatever else the environment installed)
    assert line.startswith("installed plugins: arrow2bib-broken 1.2.3 (arrow2bib_broken), ")
    assert "arrow2bib-shout 1.2.3 (arrow2bib_shout)" in line
    assert done.stderr == ""  # nothing is loaded: no warning about the broken one


def test_completion_offers_a_plugins_format(site):
    script = cli(site, "completion", "bash")
    assert script.returncode == 0
    choices = next(line for line in script.stdout.splitlines()
                   if line.startswith("_shtab_arrow2bib_convert___to_choices="))
    assert " shout " in choices.replace("(", " ").replace(")", " ")


def test_plugins_command(site):
    result = cli(site, "plugins")
    rows = [r for r in json.loads(result.stdout) if r["name"] == "arrow2bib_shout"]
    assert rows == [{"name": "arrow2bib_shout", "distribution": "arrow2bib-shout",
                     "version": "1.2.3", "builtin": False, "hooks": ["register_exporters"],
                     "error": None}]
    # one that failed to load is listed, with why (it was missing from the list)
    broken = [r for r in json.loads(result.stdout) if r["name"] == "arrow2bib_broken"]
    assert broken == [{"name": "arrow2bib_broken", "distribution": "arrow2bib-broken",
                       "version": "1.2.3", "builtin": False, "hooks": [],
                       "error": broken[0]["error"]}]
    assert broken[0]["error"].startswith("ModuleNotFoundError: ")
    everything = json.loads(cli(site, "plugins", "--all").stdout)
    assert {r["name"] for r in everything if r["builtin"]} >= {
        "arrow2bib.exporters.bibtex", "arrow2bib.keys", "arrow2bib.checks.builtin"}


FAILING = '''
from arrow2bib import Check, Exporter, Problem, Severity, hookimpl

class Fails(Exporter):
    name = "fails"
    extension = ".fails"
    description = "fails on the seventh paper"
    def export(self, entries, out, options):
        for n, entry in enumerate(entries, 1):
            if n == 7:
                raise ValueError("boom on paper 7")
            out.write(entry.key + "\\n")

class NoList(Check):
    name = "no-list"
    def paper(self, paper, key):
        return None  # must be an iterable of problems

@hookimpl
def register_exporters(register):
    register(Fails())

@hookimpl
def register_checks(register):
    register(NoList)
'''

PRINTS = '''
from arrow2bib import hookimpl
print("PRINTED AT IMPORT")

@hookimpl
def citation_keys(papers, pattern):
    print("PRINTED WHILE KEYING")
    return None
'''

RETURNS = '''
from arrow2bib import Exporter, hookimpl

class Quiet(Exporter):
    name = "quiet"
    extension = ".quiet"
    def export(self, entries, out, options):
        pass

@hookimpl
def register_exporters(register):
    return [Quiet()]  # instead of register(Quiet())
'''

REGISTER_FAILS = '''
from arrow2bib import hookimpl

@hookimpl
def register_exporters(register):
    raise RuntimeError("boom while registering")
'''


def test_a_plugin_that_raises_mid_run_is_named_and_nothing_is_written(tmp_path):
    """An exception in a plugin's own code was Python's traceback alone, exit 1 (the code
    of bad input), naming nothing: now the traceback (for the plugin's author), then one
    line naming the plugin and its distribution, exit 3, and no output file."""
    site = tmp_path / "site"
    site.mkdir()
    install(site, "arrow2bib-fails", "arrow2bib_fails", FAILING)
    out = tmp_path / "refs.fails"
    done = cli(site, "convert", str(SAMPLE), "-o", str(out), "--skip-check", "no-list")
    assert done.returncode == 3, done.stderr
    assert "Traceback" in done.stderr and "ValueError: boom on paper 7" in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("arrow2bib: error: the plugin 'arrow2bib_fails' (arrow2bib-fails "
                           "1.2.3) failed (ValueError: boom on paper 7), at ")
    assert "arrow2bib_fails.py:" in last and "no output file was written" in last
    assert not out.exists() and os.listdir(tmp_path) == ["site"]
    # a check that returns None, where arrow2bib iterates it: the plugin is named too
    done = cli(site, "convert", str(SAMPLE), "-o", str(tmp_path / "refs.bib"))
    assert done.returncode == 3 and "the plugin 'arrow2bib_fails'" in done.stderr
    assert "arrow2bib_fails.py, its NoList" in done.stderr
    assert "paper() gave None (a NoneType)" in done.stderr
    assert not (tmp_path / "refs.bib").exists()


WRONG_PROBLEMS = '''
from arrow2bib import PaperCheck, hookimpl

class GivesText(PaperCheck):
    name = "gives-text"
    def paper(self, paper, key):
        return "abc"  # must be a list of Problem objects

@hookimpl
def register_checks(register):
    register(GivesText)
'''


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_check_that_gives_no_problems_but_text_is_named(tmp_path, jobs):
    """A paper check returning a str: its characters went on as problems and failed in the
    spool (``'str' object has no attribute 'code'``), a traceback naming no plugin."""
    site = tmp_path / "site"
    site.mkdir()
    install(site, "arrow2bib-text", "arrow2bib_text", WRONG_PROBLEMS)
    out = tmp_path / "refs.bib"
    done = cli(site, "convert", str(SAMPLE), "-o", str(out), "--jobs", jobs)
    assert done.returncode == 3, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("arrow2bib: error: the plugin 'arrow2bib_text' (arrow2bib-text "
                           "1.2.3) failed (WrongResult: the check 'gives-text' "
                           "(arrow2bib_text.GivesText).paper() gave among its problems 'a' "
                           "(a str); it must give Problem objects), at "), last
    assert "arrow2bib_text.py, its GivesText; no output file was written" in last
    assert not out.exists()


def test_a_plugins_print_goes_to_stderr_not_into_the_output(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    install(site, "arrow2bib-prints", "arrow2bib_prints", PRINTS)
    done = cli(site, "convert", str(SAMPLE), "--to", "csljson", "-q")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 13  # valid JSON: no printed line in it
    assert "PRINTED AT IMPORT" in done.stderr and "PRINTED WHILE KEYING" in done.stderr


def test_register_hooks_that_return_or_raise_are_named(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    install(site, "arrow2bib-returns", "arrow2bib_returns", RETURNS)
    done = cli(site, "formats")
    assert done.returncode == 0 and "quiet" not in done.stdout
    assert ("'arrow2bib_returns' (arrow2bib-returns 1.2.3)'s register_exporters hook "
            "returned a list instead of calling register(...)") in done.stderr
    install(site, "arrow2bib-regfails", "arrow2bib_regfails", REGISTER_FAILS)
    done = cli(site, "formats")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert ("The plugin 'arrow2bib_regfails' (arrow2bib-regfails 1.2.3) failed in its "
            "register_exporters hook (RuntimeError: boom while registering)") in done.stderr


def test_output_on_a_stdout_that_is_not_utf8_is_utf8(tmp_path):
    """A page of non-ASCII names converted to a stdout whose encoding is ASCII crashed with
    UnicodeEncodeError: data on stdout is UTF-8, as in files; a report for people escapes
    what the locale cannot show."""
    page = tmp_path / "Jürgen.txt"
    page.write_text(SAMPLE.read_text(encoding="utf-8").replace("Xiandi Luo", "Jürgen Müller"),
                    encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ARROW2BIB_")}
    environ.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING="ascii", ARROW2BIB_LOAD_PLUGINS="")
    done = subprocess.run([sys.executable, "-m", "arrow2bib", "convert", str(page), "--to",
                           "ris", "-q"], capture_output=True, env=environ, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "AU  - Müller, Jürgen" in done.stdout.decode("utf-8")
    done = subprocess.run([sys.executable, "-m", "arrow2bib", "check", str(page)],
                          capture_output=True, env=environ, timeout=120)
    assert done.returncode == 0 and b"J\\xfcrgen.txt" in done.stdout + done.stderr


COLLIDES = '''
from arrow2bib import Exporter, hookimpl

class Other(Exporter):
    name = "bibtex"
    extension = ".other"
    def export(self, entries, out, options):
        pass

@hookimpl
def register_exporters(register):
    register(Other())
'''


def test_the_commands_that_find_a_broken_plugin_run_past_it(tmp_path):
    """A format name registered twice stopped every command, `plugins` included (exit 2):
    the commands that need no format warn and run; the others stop, naming both."""
    site = tmp_path / "site"
    site.mkdir()
    install(site, "arrow2bib-collides", "arrow2bib_collides", COLLIDES)
    listed = cli(site, "plugins")
    assert listed.returncode == 0 and "registered twice" in listed.stderr
    assert "arrow2bib-collides" in listed.stdout
    assert cli(site, "completion", "bash").returncode == 0
    done = cli(site, "convert", str(SAMPLE), "--to", "ris")
    assert done.returncode == 2 and "by arrow2bib_collides (arrow2bib-collides" in done.stderr
