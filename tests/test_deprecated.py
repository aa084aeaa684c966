"""The module paths of 0.1 still work in 0.2, as deprecated aliases of their new homes."""

from __future__ import annotations

import importlib
import importlib.util
import sys

import pytest

import arrow2bib
from arrow2bib._deprecated import MOVED

# the optional Dask part cannot be imported without Dask
OLD = sorted(old for old, new in MOVED.items()
             if not new.startswith("arrow2bib.distributed") or importlib.util.find_spec("dask"))


@pytest.mark.parametrize("old", OLD)
def test_old_path_warns_and_is_the_new_module(old):
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=f"{old} is deprecated .* import {MOVED[old]}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(MOVED[old])
    assert module.__spec__.name == MOVED[old]  # the real module keeps its own spec


def test_names_import_from_old_paths():
    for old in ("arrow2bib.parser", "arrow2bib.normalize", "arrow2bib.keytable"):
        sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning):
        from arrow2bib.keytable import KeyTable  # noqa: F401
        from arrow2bib.normalize import normalise_title
        from arrow2bib.parser import PageReader  # noqa: F401  (the 0.1 spelling)
    from arrow2bib.read.grammar import PageReader as new_reader
    assert PageReader is new_reader
    assert normalise_title("{D}eep{FM}: A **Net**") == "deepfm a net"


def test_old_module_names_do_not_replace_the_package_functions():
    sys.modules.pop("arrow2bib.formats", None)
    with pytest.warns(DeprecationWarning):
        from arrow2bib.formats import Formats
    assert callable(arrow2bib.formats) and not isinstance(arrow2bib.formats, type(sys))
    assert isinstance(arrow2bib.formats(), Formats)


def test_version_and_public_names():
    assert arrow2bib.__version__ == "0.2.0"
    assert all(hasattr(arrow2bib, name) for name in arrow2bib.__all__)


def test_a_batchs_page_is_its_first_page_with_a_warning():
    from arrow2bib.plugins import get_plugin_manager
    from arrow2bib.run.stages import Batch, describe

    first, second = arrow2bib.Page(source="a.txt"), arrow2bib.Page(source="b.txt")
    batch = Batch(pages=(first, second), keys=[], papers=[], write=[],
                  plugins=describe(get_plugin_manager(load_installed=False)), fmt="bibtex",
                  extra={}, skip=())
    with pytest.warns(DeprecationWarning, match="Batch.pages"):
        assert batch.page is first
    assert batch.label == "a.txt:0 (0 papers from there)"
