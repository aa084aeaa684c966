"""convert --merge-into refs.bib: only what is new is added; the user's file stays as it was."""

from __future__ import annotations

import bibtexparser

from .conftest import SAMPLE
from .test_cli import run

USER_FILE = """% My bibliography -- hand-maintained, do not reformat!
@string{ijcai = "Proceedings of IJCAI"}

@comment{keep this comment}

@inproceedings{DeepFM-Guo,
    author    = {Huifeng Guo and Ruiming Tang and Yunming Ye and Zhenguo Li and Xiuqiang He},
    title     = "{D}eep{FM}: a factorization-machine based neural network for {CTR} prediction",
    booktitle = {Proceedings of the Twenty-Sixth International Joint Conference on Artificial Intelligence},
    year      = 2017,
}

@article{knuth1984,
  author = {Donald E. Knuth},
  title = {Literate Programming},
  journal = {The Computer Journal},
  year = {1984}
}
"""


def keys_of(path):
    return [e.key for e in bibtexparser.parse_file(str(path)).entries]


def test_merge_adds_only_new_and_keeps_the_file(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(USER_FILE, encoding="utf-8")
    code, out, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 0, err
    data = bib.read_text(encoding="utf-8")
    assert data.startswith(USER_FILE)  # byte for byte
    keys = keys_of(bib)
    assert keys[:2] == ["DeepFM-Guo", "knuth1984"]
    assert "guo2017deepfm" not in keys  # recognised despite its other key and braces
    assert len(keys) == 2 + 12
    assert "12 added, 1 already there" in err
    assert "[merge-skipped]" not in err or "DeepFM-Guo" in err
    library = bibtexparser.parse_file(str(bib))
    assert not library.failed_blocks and len(library.strings) == 1

    before = bib.read_bytes()
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 0
    assert bib.read_bytes() == before  # the second run adds nothing
    assert "0 added, 13 already there" in err and "unchanged" in err


def test_merge_into_new_file(tmp_path):
    bib = tmp_path / "new.bib"
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 0, err
    assert len(keys_of(bib)) == 13


def test_merge_key_collision_gets_suffix(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{GUO2017DEEPFM, title = {Something else}, year = {1999}}\n",
                   encoding="utf-8")
    assert run("convert", str(SAMPLE), "--merge-into", str(bib), "-q")[0] == 0
    keys = keys_of(bib)
    assert "guo2017deepfma" in keys and "guo2017deepfm" not in keys


def test_merge_refuses_broken_file_and_changes_nothing(tmp_path):
    bib = tmp_path / "refs.bib"
    broken = "@article{a, title = {x}}\n\n@misc{b, title = {unclosed\n"
    bib.write_text(broken, encoding="utf-8")
    code, _, err = run("convert", str(SAMPLE), "--merge-into", str(bib))
    assert code == 1 and f"{bib}:3:" in err
    assert bib.read_text(encoding="utf-8") == broken


def test_merge_usage_errors(tmp_path):
    bib = tmp_path / "refs.bib"
    assert run("convert", str(SAMPLE), "--merge-into", str(bib), "--to", "ris")[0] == 2
    assert run("convert", str(SAMPLE), "--merge-into", str(bib), "-o", str(bib))[0] == 2


def test_merge_biblatex(tmp_path):
    bib = tmp_path / "refs.bib"
    assert run("convert", str(SAMPLE), "--merge-into", str(bib), "--to", "biblatex", "-q")[0] == 0
    before = bib.read_bytes()
    assert run("convert", str(SAMPLE), "--merge-into", str(bib), "--to", "biblatex", "-q")[0] == 0
    assert bib.read_bytes() == before
