"""Shared fixtures: the sample page, parsed once, and a fresh plugin manager per test."""

from __future__ import annotations

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "xiuqiang-he.txt"
#: ../shared/schemas beside the checkout (CI has it; elsewhere tests needing it skip).
SCHEMAS = ROOT.parent / "shared" / "schemas"


@pytest.fixture
def pm():
    """A fresh plugin manager with the built-in plugins only (no installed ones)."""
    from arrow2bib.plugins import get_plugin_manager

    return get_plugin_manager(load_installed=False)


@pytest.fixture(scope="session")
def sample_page():
    from arrow2bib import parse_file

    return parse_file(SAMPLE)


@pytest.fixture
def sample_entries(sample_page, pm):
    """The sample page's papers paired with their citation keys."""
    from arrow2bib.keys import entries_for

    return entries_for(sample_page.papers, pm)


@pytest.fixture(scope="session")
def schemas():
    if not SCHEMAS.is_dir():
        pytest.skip(f"the schema folder {SCHEMAS} is absent (CI has it): cannot validate")
    return SCHEMAS
