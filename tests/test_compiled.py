"""The compiled core (mypyc, ``setup.py``) writes the same bytes as the Python sources.

The tests import this checkout's sources, the pure-Python reference. The installed arrow2bib
(``ARROW2BIB_COMPILE=1 pip install .`` compiles its core; CI installs it so) runs in a
subprocess outside the checkout, and the BibTeX family's and JSON's outputs and the check
report on the sample page and on small generated pages (overlapping titles for the duplicate
check, TeX math) are compared with the reference's, byte for byte (CI compares every format
on the 10^4-paper page: ``python -m benchmarks.digests --check --installed``). Where the
installed core is pure Python (the default install, an editable one, no C compiler) there is
nothing to compare, and the tests skip saying so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from benchmarks.generate import write as write_page

from .conftest import ROOT, SAMPLE

#: Runs the command lines in one process and prints the core it ran: the outputs go to
#: ``argv[1]``, the pages follow.
RUN = '''
import contextlib, io, json, os, sys, warnings
import arrow2bib
from arrow2bib.cli import main
out, pages = sys.argv[1], sys.argv[2:]
CASES = [("bibtex", []), ("biblatex", []), ("json", []),
         ("bibtex", ["--dedupe", "merge", "-k", "{auth}{year}", "-O", "encoding=utf8"]),
         ("bibtex", ["--jobs", "2"])]  # workers unpickle what the compiled modules made
warnings.simplefilter("ignore")
for p, page in enumerate(pages):
    os.chdir(os.path.dirname(page))
    for c, (fmt, extra) in enumerate(CASES):
        if "--jobs" in extra and p != 1:  # the overlap page only
            continue
        err = io.StringIO()
        code = main(["convert", os.path.basename(page), "--to", fmt, *extra, "-q",
                     "-o", os.path.join(out, f"{p}-{c}.{fmt}")], out=io.StringIO(), err=err)
        with open(os.path.join(out, f"{p}-{c}.exit"), "w") as handle:
            handle.write(f"{code}\\n{err.getvalue()}")
    report = io.StringIO()
    code = main(["check", os.path.basename(page), "--format", "json"], out=report,
                err=io.StringIO())
    with open(os.path.join(out, f"{p}-check.json"), "w") as handle:
        handle.write(f"{code}\\n{report.getvalue()}")
print(json.dumps({"compiled": arrow2bib.compiled, "from": arrow2bib.__file__}))
'''


def _environ(pure: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["ARROW2BIB_NO_CONFIG"] = "1"
    if pure:
        env["PYTHONPATH"] = str(ROOT)
    return env


def _installed_core(tmp_path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", "import arrow2bib, json; "
         "print(json.dumps({'compiled': arrow2bib.compiled, 'from': arrow2bib.__file__}))"],
        cwd=tmp_path, env=_environ(pure=False), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.fixture
def installed_compiled(tmp_path):
    core = _installed_core(tmp_path)
    if not core["compiled"]:
        pytest.skip(f"the installed arrow2bib ({core['from']}) runs the pure-Python core "
                    "(installed without ARROW2BIB_COMPILE=1, editable, or without a C "
                    "compiler): `ARROW2BIB_COMPILE=1 pip install '.[test]'` builds the "
                    "compiled core that this test compares")
    return core


def _outputs(folder) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_compiled_core_writes_what_the_sources_write(installed_compiled, tmp_path):
    pages = [SAMPLE]
    for mode, papers in (("overlap", 120), ("math", 60)):  # (the suite's time: CI only)
        page = tmp_path / f"page-{mode}.txt"
        with open(page, "w", encoding="utf-8") as handle:
            write_page(papers, handle, seed=1, mode=mode)
        pages.append(page)
    runs = {}
    for pure in (True, False):  # side by side
        out = tmp_path / ("pure" if pure else "compiled")
        out.mkdir()
        runs[pure] = subprocess.Popen([sys.executable, "-c", RUN, str(out), *map(str, pages)],
                                      cwd=tmp_path, env=_environ(pure), text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ran = {}
    for pure, proc in runs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        ran[pure] = json.loads(stdout)
    assert ran[True]["compiled"] is False and ran[True]["from"].startswith(str(ROOT))
    assert ran[False]["compiled"] is True
    pure, compiled = _outputs(tmp_path / "pure"), _outputs(tmp_path / "compiled")
    assert len(pure) == 3 * 9 + 2
    assert compiled.keys() == pure.keys()
    assert [name for name in pure if compiled[name] != pure[name]] == []


def test_version_names_the_compiled_core(installed_compiled, tmp_path):
    done = subprocess.run([sys.executable, "-m", "arrow2bib", "--version"], cwd=tmp_path,
                          env=_environ(pure=False), capture_output=True, text=True, check=True)
    assert done.stdout.startswith("arrow2bib ") and "(compiled core: " in done.stdout
