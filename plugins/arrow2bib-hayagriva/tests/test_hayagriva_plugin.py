"""The plugin as arrow2bib sees it: registered on a fresh plugin manager by hand, and found
through the ``arrow2bib`` entry-point group when the distribution is installed."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys
from importlib import metadata

import pytest
import yaml
from arrow2bib.exporters.registry import Formats
from arrow2bib.plugins import get_plugin_manager

import arrow2bib_hayagriva
from arrow2bib_hayagriva import HayagrivaExporter

PLUGIN_ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = PLUGIN_ROOT.parent.parent / "examples" / "xiuqiang-he.txt"
DISTRIBUTION = "arrow2bib-hayagriva"


def _installed() -> metadata.Distribution | None:
    """The installed distribution, if any. The egg-info that a build leaves in this folder
    (seen through pytest's pythonpath) is not an installation: a fresh interpreter would
    not see its entry point."""
    for dist in metadata.distributions(name=DISTRIBUTION):
        if pathlib.Path(str(dist.locate_file(""))).resolve() != PLUGIN_ROOT:
            return dist
    return None


def test_registered_by_hand_on_a_fresh_manager(pm) -> None:
    formats = Formats(pm)
    exporter = formats.get("hayagriva")
    assert isinstance(exporter, HayagrivaExporter)
    assert formats.get("typst") is exporter  # the alias
    assert formats.for_path("out/refs.yml") is exporter  # -o refs.yml picks it
    assert exporter.extension == ".yml" and exporter.description


def test_the_hook_passes_the_hookspec_check() -> None:
    manager = get_plugin_manager(load_installed=False)
    manager.register(arrow2bib_hayagriva)
    manager.check_pending()  # a misspelt hook name would fail here
    assert "hayagriva" in Formats(manager).names()


def test_a_manager_without_the_plugin_does_not_know_the_format() -> None:
    assert "hayagriva" not in Formats(get_plugin_manager(load_installed=False)).names()


def test_loaded_from_the_installed_distribution() -> None:
    dist = _installed()
    if dist is None:
        pytest.skip(f"the {DISTRIBUTION} distribution is not installed: "
                    "pip install ./plugins/arrow2bib-hayagriva to test the entry point")
    points = [ep for ep in dist.entry_points if ep.group == "arrow2bib"]
    assert [(ep.name, ep.value) for ep in points] == [("hayagriva", "arrow2bib_hayagriva")]
    formats = Formats(get_plugin_manager())  # built-ins and installed plugins
    exporter = formats.get("hayagriva")
    assert type(exporter).__name__ == "HayagrivaExporter"
    info = next(i for i in formats if i.name == "hayagriva")
    assert DISTRIBUTION in info.plugin  # the label names the distribution


def test_the_command_line_converts_to_hayagriva_when_installed() -> None:
    if _installed() is None:
        pytest.skip(f"the {DISTRIBUTION} distribution is not installed")
    if not SAMPLE.is_file():
        pytest.skip(f"the sample page {SAMPLE} is absent")
    listed = subprocess.run([sys.executable, "-m", "arrow2bib", "formats"],
                            capture_output=True, text=True, check=True)
    assert "hayagriva" in listed.stdout
    done = subprocess.run([sys.executable, "-m", "arrow2bib", "convert", str(SAMPLE),
                           "--to", "hayagriva", "-q"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert len(yaml.safe_load(done.stdout)) == 13


def test_the_plugin_uses_only_the_public_api() -> None:
    # arrow2bib's public API: the names in arrow2bib.__all__, arrow2bib.venues and
    # arrow2bib.text.markup (both documented in arrow2bib's README)
    allowed = {"arrow2bib", "arrow2bib.venues", "arrow2bib.text.markup"}
    package = PLUGIN_ROOT / "arrow2bib_hayagriva"
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                    and node.module.startswith("arrow2bib"):
                assert node.module in allowed, f"{path.name} imports {node.module}"
                if node.module == "arrow2bib":
                    import arrow2bib

                    assert {a.name for a in node.names} <= set(arrow2bib.__all__)
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("arrow2bib.") \
                        or alias.name in allowed, f"{path.name} imports {alias.name}"


def test_py_typed_is_shipped() -> None:
    assert (pathlib.Path(arrow2bib_hayagriva.__file__).parent / "py.typed").is_file()
