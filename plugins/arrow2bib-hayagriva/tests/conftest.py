"""Fixtures for the plugin's tests: the sample page, a fresh plugin manager with the plugin
registered, and the real Typst compiler (the ``typst`` package) to read what we write.

This folder is deliberately not a package: the main repository's ``tests`` package would
clash with a second one named ``tests``.
"""

from __future__ import annotations

import io
import json
import pathlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable

import pytest

PLUGIN_ROOT = pathlib.Path(__file__).resolve().parent.parent
#: The repository's sample page, two levels above the plugin folder.
SAMPLE = PLUGIN_ROOT.parent.parent / "examples" / "xiuqiang-he.txt"
DATA = pathlib.Path(__file__).resolve().parent / "data"
#: A CSL style that prints every variable the plugin writes, labelled (``TI=``, ``NO=``...).
PROBE_CSL = DATA / "probe.csl"


@pytest.fixture
def pm():
    """A fresh plugin manager: arrow2bib's built-ins, then this plugin registered by hand
    (so these tests work whether or not the distribution is installed)."""
    from arrow2bib.plugins import get_plugin_manager

    import arrow2bib_hayagriva

    manager = get_plugin_manager(load_installed=False)
    manager.register(arrow2bib_hayagriva, name="hayagriva")
    manager.check_pending()
    return manager


@pytest.fixture(scope="session")
def sample_page():
    """The sample page, parsed by arrow2bib."""
    if not SAMPLE.is_file():
        pytest.skip(f"the sample page {SAMPLE} is absent (run from the arrow2bib checkout)")
    from arrow2bib import parse_file

    return parse_file(SAMPLE)


@dataclass(frozen=True)
class Rendered:
    """What Typst made of a document: the PDF's text, white space collapsed to one space,
    and ``squashed`` (no white space at all, for text that may wrap across lines)."""

    text: str
    squashed: str


def _normalise(text: str) -> Rendered:
    text = unicodedata.normalize("NFKC", text)  # ligatures (fi, ff) back to letters
    return Rendered(re.sub(r"\s+", " ", text).strip(), re.sub(r"\s+", "", text))


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


Render = Callable[..., Rendered]


@pytest.fixture
def render(tmp_path: pathlib.Path) -> Render:
    """``render(yaml_text, keys, style="ieee")``: compile a Typst document that cites every
    key and prints the bibliography from ``yaml_text``, to PDF; return its text (pypdf)."""
    typst = pytest.importorskip("typst", reason="the typst package (the compiler) is needed: "
                                "pip install 'arrow2bib-hayagriva[test]'")
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF's text")

    def run(yaml_text: str, keys: Iterable[str], style: str = "ieee") -> Rendered:
        (tmp_path / "refs.yml").write_text(yaml_text, encoding="utf-8")
        if style.endswith(".csl"):
            (tmp_path / "style.csl").write_bytes(pathlib.Path(style).read_bytes())
            style = "style.csl"
        # a wide page and no hyphenation: each reference on as few lines as possible
        doc = ["#set page(width: 120cm, height: auto)", "#set text(hyphenate: false)"]
        doc += [f"#cite(label({_typst_string(key)}))" for key in keys]
        doc.append(f'#bibliography("refs.yml", style: {_typst_string(style)})')
        (tmp_path / "doc.typ").write_text("\n".join(doc) + "\n", encoding="utf-8")
        pdf = typst.compile(str(tmp_path / "doc.typ"), root=str(tmp_path))
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        return _normalise("\n".join(page.extract_text() for page in reader.pages))

    return run


YamlLoad = Callable[[str], object]


@pytest.fixture
def typst_yaml(tmp_path: pathlib.Path) -> YamlLoad:
    """``typst_yaml(text)``: the data Typst's own YAML reader (``yaml()``, the serde_yaml
    reader that also reads Hayagriva files) gets from ``text``, through ``typst.query``."""
    typst = pytest.importorskip("typst", reason="the typst package (the compiler) is needed")

    def load(text: str) -> object:
        (tmp_path / "data.yml").write_text(text, encoding="utf-8")
        (tmp_path / "q.typ").write_text('#metadata(yaml("data.yml")) <data>\n', encoding="utf-8")
        out = typst.query(str(tmp_path / "q.typ"), "<data>", field="value", one=True,
                          root=str(tmp_path))
        return json.loads(out)

    return load


def probe_fields(rendered: Rendered) -> dict[str, dict[str, str]]:
    """Split the text of a bibliography in the probe style (``tests/data/probe.csl``) into
    ``{key: {"TI": title, "AU": authors, ...}}``."""
    out: dict[str, dict[str, str]] = {}
    for block in rendered.text.split("@@ID=")[1:]:
        key, _, rest = block.partition(" | ")
        fields = dict(part.partition("=")[::2] for part in rest.split(" | "))
        out[key.strip()] = {k.strip(): v.strip() for k, v in fields.items()}
    return out


@pytest.fixture
def probe(render: Render) -> Callable[..., dict[str, dict[str, str]]]:
    """``probe(yaml_text, keys)``: the fields Typst read for each key (see :func:`probe_fields`)."""

    def run(yaml_text: str, keys: Iterable[str]) -> dict[str, dict[str, str]]:
        return probe_fields(render(yaml_text, keys, style=str(PROBE_CSL)))

    return run
