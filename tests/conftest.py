"""Shared fixtures: the sample page, parsed once, and a fresh plugin manager per test."""

from __future__ import annotations

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "xiuqiang-he.txt"
#: The CSL and ORCID schemas: ``../shared/schemas`` beside the checkout (CI has it), or the
#: folder ``ARROW2BIB_SCHEMAS`` names. Tests that need it skip where it is absent, and fail
#: under ``CI=true`` (the root ``conftest.py``).
SCHEMAS = pathlib.Path(os.environ.get("ARROW2BIB_SCHEMAS") or ROOT.parent / "shared" / "schemas")


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
        pytest.skip(f"the schema folder {SCHEMAS} (CSL and ORCID schemas) is absent: "
                    "put shared/schemas beside the checkout or name a copy in ARROW2BIB_SCHEMAS")
    return SCHEMAS
