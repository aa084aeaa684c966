"""Under ``CI=true`` no test may skip: a missing schema folder, program or package fails the
run with a message naming it; elsewhere the same test skips with its reason.

Each case runs pytest in a subprocess on a tiny test file, with this repository's two
conftest modules (the root one, which turns skips into failures, and ``tests/conftest.py``,
which has the ``schemas`` fixture) loaded as plugins.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from .conftest import ROOT

TINY = '''
import pytest

def test_validates(schemas):
    assert schemas.is_dir()

def test_needs_a_program():
    pytest.skip("the program frobnicate is not on PATH")

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_known_bug():
    assert False

def test_passes():
    pass
'''

MODULE_SKIP = '''
import pytest

pytest.importorskip("no_such_module_arrow2bib", reason="the package no_such_module_arrow2bib "
                    "is not installed")

def test_never_runs():
    pass
'''


def _pytest(tmp_path, source: str, **env: str) -> tuple[int, str]:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_tiny.py").write_text(source, encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "ARROW2BIB_SCHEMAS")}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH")]))
    # only this repository's conftest modules: the installed plugins (hypothesis, xdist,
    # playwright...) cost a second of start-up each run and play no part here
    environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    environ.update(env)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "tests.conftest",
         "-p", "no:cacheprovider", "-rA", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def _counts(output: str) -> dict[str, int]:
    summary = output.strip().splitlines()[-1]
    return {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary)}


def test_a_missing_schema_folder_fails_under_ci(tmp_path):
    missing = tmp_path / "no-schemas-here"
    code, output = _pytest(tmp_path, TINY, CI="true", ARROW2BIB_SCHEMAS=str(missing))
    assert code == 1, output
    # the schema test (in its fixture: an error) and the program's test fail, each naming
    # what is missing; the expected failure stays one, the passing test passes
    assert _counts(output) == {"failed": 1, "passed": 1, "xfailed": 1, "error": 1}, output
    assert f"the schema folder {missing}" in output and "ARROW2BIB_SCHEMAS" in output
    assert "no test may skip under CI" in output
    assert "the program frobnicate is not on PATH" in output


def test_without_ci_the_same_tests_skip_with_their_reasons(tmp_path):
    missing = tmp_path / "no-schemas-here"
    for ci in ({}, {"CI": "false"}):
        code, output = _pytest(tmp_path, TINY, ARROW2BIB_SCHEMAS=str(missing), **ci)
        assert code == 0, output
        assert _counts(output) == {"passed": 1, "skipped": 2, "xfailed": 1}, output
        assert f"the schema folder {missing}" in output


def test_the_schema_folder_can_be_named(tmp_path):
    elsewhere = tmp_path / "my-schemas"
    elsewhere.mkdir()
    code, output = _pytest(tmp_path, TINY.replace("def test_needs_a_program", "def _no"),
                           CI="true", ARROW2BIB_SCHEMAS=str(elsewhere))
    assert code == 0 and _counts(output) == {"passed": 2, "xfailed": 1}, output


def test_a_module_level_skip_fails_under_ci(tmp_path):
    code, output = _pytest(tmp_path, MODULE_SKIP, CI="true")
    assert code == 2 and _counts(output) == {"error": 1}, output  # 2: a collection error
    assert "no_such_module_arrow2bib is not installed" in output
    code, output = _pytest(tmp_path, MODULE_SKIP)
    assert code == 5 and _counts(output) == {"skipped": 1}, output  # 5: nothing ran


def test_this_run_has_what_ci_has():
    """Under CI, this suite itself found the schemas (the other tests fail otherwise); this
    test says which folder it used, for the log."""
    from .conftest import SCHEMAS

    if not SCHEMAS.is_dir():
        pytest.skip(f"the schema folder {SCHEMAS} is absent")
    assert (SCHEMAS / "csl").is_dir() and (SCHEMAS / "orcid").is_dir()
