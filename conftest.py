"""For both test suites (``tests`` and ``plugins/arrow2bib-hayagriva/tests``): under CI no test
may skip.

A test skips where something it needs is missing (``bibtex``, ``pdflatex``, ``biber``, the
schemas in ``../shared/schemas``, atheris, the Typst compiler...). On a developer's machine
that is a skip with its reason. With ``CI`` set (``CI=true``, as CI services set it), the
same skip is a failure whose message is the reason, so a CI machine that lacks something
cannot pass by testing less. Expected failures (``xfail``) are not skips and stay as they are.
"""

from __future__ import annotations

import os

import pytest

# Settings files (arrow2bib.toml, pyproject.toml's [tool.arrow2bib], the user file) must not
# change what the tests see: a developer's own ~/.config/arrow2bib/arrow2bib.toml, or this
# checkout's pyproject.toml. tests/test_config.py removes it where settings are tested; the
# command-line tests that start a subprocess inherit it.
os.environ["ARROW2BIB_NO_CONFIG"] = "1"

#: ``CI`` values that do not mean "running in CI".
_NOT_CI = frozenset(["", "0", "false", "no", "off"])


def strict() -> bool:
    """True when the ``CI`` environment variable is set to something true (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() not in _NOT_CI


def _fail_skip(report) -> None:
    if not (report.skipped and strict()) or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = (f"CI={os.environ['CI']}: no test may skip under CI, and this one would "
                       f"have: {reason}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _fail_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    # a module-level skip (pytest.importorskip at the top of a test file)
    outcome = yield
    _fail_skip(outcome.get_result())
