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


def test_plugins_command(site):
    result = cli(site, "plugins")
    rows = [r for r in json.loads(result.stdout) if r["name"] == "arrow2bib_shout"]
    assert rows == [{"name": "arrow2bib_shout", "distribution": "arrow2bib-shout",
                     "version": "1.2.3", "builtin": False, "hooks": ["register_exporters"]}]
    everything = json.loads(cli(site, "plugins", "--all").stdout)
    assert {r["name"] for r in everything if r["builtin"]} >= {
        "arrow2bib.exporters.bibtex", "arrow2bib.keys", "arrow2bib.checks.builtin"}
