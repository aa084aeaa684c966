"""A directory's files: which are pages. A text page whose first bytes hold the header's
mark line ("Author name cluster") is taken without reading its header; the reader must then
never find it "not a page", whatever the other lines are."""

from __future__ import annotations

import codecs

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrow2bib.read.inputs import _header_not_a_page, _not_a_page

from . import oracles
from .conftest import SAMPLE

SETTINGS = settings(max_examples=oracles.examples(200), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

LINES = st.sampled_from([
    "", "Arrow Research search", "Xiuqiang He", "13 papers", "1 author row",
    "NeurIPS Conference 2025 Conference Paper", "KDD 2021 Conference 2021 Short Paper",
    "Deep Learning for CTR Prediction", "• Xiuqiang He", "- Ann Lee", "Abstract",
    "We study the problem (i. e. , ours) at https: //github. com/x.", "a\tb\tc",
    "NeurIPS Conference 2025 Conference Paper\tA title\tAnn Lee", "Über die Modelle",
    "<p>not html at the start</p>", "Author  name  cluster", "author name cluster",
    "Possible papers", "\u00a0", "\ufeff", "Ã¼ber mojibake", "x" * 300,
])


@given(before=st.lists(LINES, max_size=12), after=st.lists(LINES, max_size=40),
       crlf=st.booleans())
@SETTINGS
def test_a_file_with_the_mark_line_is_never_not_a_page(tmp_path_factory, before, after,
                                                       crlf):
    end = "\r\n" if crlf else "\n"
    text = end.join([*before, "Author name cluster", *after]) + end
    path = tmp_path_factory.mktemp("pages") / "page.txt"
    path.write_bytes(text.encode("utf-8"))
    assert _header_not_a_page(str(path), None) is None
    assert _not_a_page(str(path), None) is None


def test_the_quick_answer_is_the_readers_answer(tmp_path):
    sample = SAMPLE.read_bytes()
    files = {
        "sample.txt": sample,
        "no-mark.txt": sample.replace(b"Author name cluster\n", b""),
        "readme.txt": b"These are my saved pages.\nAuthor name cluster?\n",
        "late-mark.txt": b"notes\n" * 700 + b"Author name cluster\n13 papers\n",
        # the mark's bytes, in a file a byte-order mark says is UTF-16: not a page
        "wide.txt": codecs.BOM_UTF16_LE + b"\nAuthor name cluster\n" + b"x\n" * 10 + b".",
        "cp1252.txt": sample.replace(b"Possible papers", b"M\xfcller's papers"),
    }
    answers = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        for encoding in (None, "utf-8", "utf-16", "cp037"):
            path = str(tmp_path / name)
            answers[name, encoding] = _not_a_page(path, encoding)
            assert answers[name, encoding] == _header_not_a_page(path, encoding), (name,
                                                                                 encoding)
    assert answers["sample.txt", None] is None
    assert answers["readme.txt", None] is not None
    assert answers["wide.txt", None] is not None
    assert answers["sample.txt", "cp037"] is not None  # EBCDIC: the bytes are not the line
