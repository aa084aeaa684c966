"""The distribution ships every subpackage (pyproject lists them by hand)."""

from __future__ import annotations

import ast
import re

from .conftest import ROOT


def test_every_subpackage_is_listed_in_pyproject():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    listed = set(ast.literal_eval(re.search(r"^packages = (\[.*\])$", text, re.M).group(1)))
    found = {".".join(path.parent.relative_to(ROOT).parts)
             for path in (ROOT / "arrow2bib").rglob("__init__.py")}
    assert found == listed
