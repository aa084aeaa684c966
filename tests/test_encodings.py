"""Encodings: what is decoded, what is refused (naming file and line), and mojibake.

Every case runs through the library (``arrow2bib.parse`` and ``parse_file``) and through the
command line (``arrow2bib.cli.main``): a refused input exits 1 with ``file:line:`` in the
message, no traceback and no output file; a repaired one says so as a warning.
"""

from __future__ import annotations

import codecs
import io
import json

import pytest

import arrow2bib
from arrow2bib import InputError, Severity
from arrow2bib.cli import main
from arrow2bib.read.repair import repair_mojibake

CLUSTER = "Jürgen Müller"
TITLE = "Über Grenzen – naïve “quotes”"
NAMES = ["Jürgen Müller", "José García", "Søren Hauberg", "Zoë Çelik"]
ABSTRACT = "An abstract that costs 5 € and isn’t short."
#: Line 2 is the first with a non-ASCII character, line 12 the abstract, 13 the end.
PAGE = "\n".join([
    "Author name cluster", CLUSTER, "", "1 paper", "",
    "AAAI Conference 2020 Conference Paper", TITLE, *[f"  • {n}" for n in NAMES], ABSTRACT,
]) + "\n"
UTF8 = PAGE.encode("utf-8")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def assert_page(page: arrow2bib.Page) -> None:
    assert page.cluster == CLUSTER
    (paper,) = page.papers
    assert paper.title == TITLE and paper.abstract == ABSTRACT
    assert [a.literal for a in paper.authors] == NAMES
    assert paper.authors[0].given == "Jürgen" and paper.authors[0].family == "Müller"
    assert page.problems == ()


# -- decoded ---------------------------------------------------------------------------------
DECODED = [
    ("utf-8", UTF8, None),
    ("utf-8-bom", codecs.BOM_UTF8 + UTF8, None),
    ("utf-8-crlf", PAGE.replace("\n", "\r\n").encode("utf-8"), None),
    ("utf-8-cr", PAGE.replace("\n", "\r").encode("utf-8"), None),
    ("utf-16-le-bom", codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le"), None),
    ("utf-16-be-bom", codecs.BOM_UTF16_BE + PAGE.encode("utf-16-be"), None),
    ("utf-16-le-bom-crlf", codecs.BOM_UTF16_LE + PAGE.replace("\n", "\r\n").encode("utf-16-le"),
     None),
    ("utf-32-le-bom", codecs.BOM_UTF32_LE + PAGE.encode("utf-32-le"), None),
    ("cp1252-named", PAGE.encode("cp1252"), "cp1252"),
    ("windows-1252-named", PAGE.encode("cp1252"), "windows-1252"),
    ("utf-16-le-named", PAGE.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be-named", PAGE.encode("utf-16-be"), "UTF-16BE"),
    # a byte-order mark is certain, a name given is not: the mark wins (as in browsers)
    ("bom-beats-named", codecs.BOM_UTF8 + UTF8, "cp1252"),
    ("utf-16-bom-beats-named", codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le"), "cp1252"),
    ("html-meta-cp1252", b"<html><head><meta charset='windows-1252'></head><body>"
     + "".join(f"<p>{line}</p>" for line in PAGE.splitlines() if line).encode("cp1252")
     + b"</body></html>", None),
    # a <meta> naming a codec no page is written in (rot13, base64) is ignored
    ("html-meta-rot13-ignored", b"<html><head><meta charset='rot13'></head><body>"
     + "".join(f"<p>{line}</p>" for line in PAGE.splitlines() if line).encode("utf-8")
     + b"</body></html>", None),
]


@pytest.mark.parametrize("data, encoding", [c[1:] for c in DECODED], ids=[c[0] for c in DECODED])
def test_decoded(data, encoding, tmp_path):
    assert_page(arrow2bib.parse(data, source="p.txt", encoding=encoding))
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    assert_page(arrow2bib.parse_file(path, encoding=encoding))


@pytest.mark.parametrize("data, encoding", [c[1:] for c in DECODED], ids=[c[0] for c in DECODED])
def test_decoded_through_cli(data, encoding, tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    code, out, err = run("convert", str(path), "--to", "csljson",
                         *(["--encoding", encoding] if encoding else []))
    assert code == 0, err
    (item,) = json.loads(out)
    assert item["title"] == TITLE and item["abstract"] == ABSTRACT
    assert [f"{a['given']} {a['family']}" for a in item["author"]] == NAMES
    assert ": warning: " not in err and "Traceback" not in err


def test_multibyte_character_across_the_decoding_chunk(tmp_path):
    """Text is decoded a MiB at a time: a character split between two reads still decodes,
    and a bad byte beyond the first MiB is reported on its own line."""
    filler = "x" * 99 + "\n"  # 100 bytes a line
    head = "13 papers\n" + filler * 10485  # 1,048,510 bytes: the "ü" straddles 2**20
    body = head + "y" * 12 + "ü\n" + PAGE
    page = arrow2bib.parse(body.encode("utf-8"), source="big.txt")
    assert [p.title for p in page.papers] == [TITLE]
    bad = body.encode("utf-8") + filler.encode() * 3 + b"\xff\n"
    line = body.count("\n") + 4
    with pytest.raises(InputError) as info:
        arrow2bib.parse(bad, source="big.txt")
    assert (info.value.source, info.value.line) == ("big.txt", line)


# -- refused ---------------------------------------------------------------------------------
REFUSED = [
    # (id, bytes, --encoding, line, fragments of the message)
    ("cp1252-not-named", PAGE.encode("cp1252"), None, 2,
     ["not valid utf-8", "--encoding cp1252", "'Jürgen Müller'"]),
    ("invalid-byte", UTF8.replace(b"costs", b"co\xffsts"), None, 12,
     ["not valid utf-8", "byte 20 of the line", "damaged"]),
    ("invalid-byte-crlf", PAGE.replace("\n", "\r\n").encode().replace(b"costs", b"co\xffsts"),
     None, 12, ["not valid utf-8"]),
    ("invalid-byte-cr", PAGE.replace("\n", "\r").encode().replace(b"costs", b"co\xffsts"),
     None, 12, ["not valid utf-8"]),
    ("lone-continuation-byte", b"13 papers\n\x80\n", None, 2, ["not valid utf-8"]),
    ("overlong-nul", b"13 papers\nx\xc0\x80\n", None, 2, ["not valid utf-8"]),
    ("utf-8-surrogate", b"13 papers\n\xed\xa0\x80\n", None, 2, ["not valid utf-8"]),
    ("truncated-at-end", UTF8 + b"\xc3", None, 13, ["not valid utf-8"]),
    ("utf-16-le-no-bom", PAGE.encode("utf-16-le"), None, 1, ["--encoding utf-16-le"]),
    ("utf-16-be-no-bom", PAGE.encode("utf-16-be"), None, 1, ["--encoding utf-16-be"]),
    ("utf-16-named-no-bom", PAGE.encode("utf-16-le"), "utf-16", None,
     ["utf-16-le or utf-16-be"]),
    ("utf-16-odd-length", codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le") + b"x", None, 13,
     ["not valid utf-16"]),
    ("unknown-encoding", UTF8, "klingon", None, ["Unknown encoding 'klingon'"]),
    ("not-a-text-encoding", UTF8, "rot13", None, ["Unknown encoding 'rot13'"]),
    ("bytes-codec", UTF8, "base64", None, ["Unknown encoding 'base64'"]),
    ("html-cp1252-undeclared", b"<html><body>\n<p>13 papers</p>\n<p>J\xfcrgen</p></body></html>",
     None, 3, ["not valid utf-8"]),
    ("html-unknown-encoding", b"<html><body><p>13 papers</p></body></html>", "rot13", None,
     ["Unknown encoding 'rot13'"]),
]


@pytest.mark.parametrize("data, encoding, line, fragments", [c[1:] for c in REFUSED],
                         ids=[c[0] for c in REFUSED])
def test_refused_naming_file_and_line(data, encoding, line, fragments, tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    where = f"{path}:{line}: " if line else f"{path}: "
    with pytest.raises(InputError) as info:
        arrow2bib.parse_file(path, encoding=encoding)
    assert (info.value.source, info.value.line) == (str(path), line)
    assert str(info.value).startswith(where)
    for fragment in fragments:
        assert fragment in str(info.value)
    with pytest.raises(InputError) as info:
        arrow2bib.parse(data, source="mem", encoding=encoding)
    assert info.value.line == line


@pytest.mark.parametrize("data, encoding, line, fragments", [c[1:] for c in REFUSED],
                         ids=[c[0] for c in REFUSED])
def test_refused_through_cli(data, encoding, line, fragments, tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    target = tmp_path / "refs.bib"
    code, out, err = run("convert", str(path), "-o", str(target),
                         *(["--encoding", encoding] if encoding else []))
    if "Unknown encoding" in fragments[0]:
        # an encoding name that is no text encoding is a usage error, found before reading
        assert code == 2 and err.startswith("arrow2bib: error: --encoding: "), err
    else:
        assert code == 1
        where = f"{path}:{line}: " if line else f"{path}: "
        assert err.startswith(f"arrow2bib: error: {where}"), err
    assert fragments[0] in err and "Traceback" not in err
    assert out == "" and not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.txt"]  # no temporary left


# -- mojibake --------------------------------------------------------------------------------
def _mojibake(text: str) -> str:
    """UTF-8 decoded as Windows-1252 (Latin-1 where it has no character), saved again."""
    return "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8")
    )


MOJIBAKE = [
    # (id, the damaged page, line, an expected "'before' -> 'after'")
    ("names", PAGE.replace("  • Jürgen Müller", "  • " + _mojibake("Jürgen Müller")), 8,
     "'JÃ¼rgen' -> 'Jürgen'"),
    ("cluster", PAGE.replace(f"\n{CLUSTER}\n", f"\n{_mojibake(CLUSTER)}\n"), 2,
     "'MÃ¼ller' -> 'Müller'"),
    ("title-punctuation", PAGE.replace(TITLE, _mojibake(TITLE)), 7, "'Ãœber' -> 'Über'"),
    ("twice", PAGE.replace(ABSTRACT, _mojibake(_mojibake(ABSTRACT))), 12, "-> '€'"),
    # "à" is C3 A0: the A0 (a no-break space) is often lost to a plain space
    ("lost-no-break-space", PAGE.replace("  • Zoë Çelik", "  • Zoë Çelik")
     .replace(ABSTRACT, ABSTRACT.replace("costs", "Ã  la carte costs")), 12, "-> 'à'"),
]


@pytest.mark.parametrize("text, line, change", [c[1:] for c in MOJIBAKE],
                         ids=[c[0] for c in MOJIBAKE])
def test_mojibake_is_repaired_and_reported(text, line, change):
    page = arrow2bib.parse(text, source="m.txt")
    (problem,) = page.problems
    assert (problem.code, problem.severity, problem.line) == ("mojibake", Severity.WARNING, line)
    assert change in problem.message and "UTF-8" in problem.message
    assert problem.details["repaired"] != problem.details["original"]
    expected = arrow2bib.parse(PAGE.replace("costs", "à la carte costs")
                               if "Ã " in text else PAGE, source="m.txt")
    assert page.papers == expected.papers and page.cluster == CLUSTER


def test_mojibake_from_a_wrong_declared_charset():
    """UTF-8 bytes under a <meta charset=windows-1252>: the HTML reader decodes what it is
    told, the parser sees the mojibake and repairs it."""
    html = ("<html><head><meta charset='windows-1252'></head><body><h1>Author name cluster"
            "</h1><p>Jürgen Müller</p><p>AAAI Conference 2020 Conference Paper</p>"
            f"<h3>{TITLE}</h3><ul><li>José García</li></ul></body></html>").encode()
    page = arrow2bib.parse(html, source="wrong.html")
    assert page.cluster == CLUSTER and page.papers[0].title == TITLE
    assert [a.literal for a in page.papers[0].authors] == ["José García"]
    assert {p.code for p in page.problems} == {"mojibake"}


def test_utf8_page_read_as_cp1252_by_mistake():
    page = arrow2bib.parse(UTF8, source="p.txt", encoding="cp1252")
    assert [a.literal for a in page.papers[0].authors] == NAMES
    assert page.problems and {p.code for p in page.problems} == {"mojibake"}


def test_mojibake_through_cli(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE.replace("  • José García", "  • " + _mojibake("José García")),
                    encoding="utf-8")
    code, out, err = run("convert", str(path), "--to", "csljson")
    assert code == 0 and "Traceback" not in err
    assert f"{path}:9: warning: " in err and "'JosÃ©' -> 'José'" in err and "[mojibake]" in err
    assert "José" in out and "Ã" not in out
    code, _out, err = run("convert", str(path), "--to", "csljson", "--strict")
    assert code == 1 and "[mojibake]" in err


#: Real text that looks like mojibake to a quick search (a Latin-1 capital or accented
#: letter before a character of U+0080-U+00BF or Windows-1252 punctuation) but is not.
NOT_MOJIBAKE = [
    "José García", "Łukasz Kaiser", "Søren Hauberg", "Ångström", "naïve café", "Café·Bar",
    "Jörg·Müller", "Ça va", "À la carte", "„Über“ alles", "Ä“quoted”", "café€", "Ñ«xyz»",
    "Âge", "ÖÖ", "Ô±", "中文 Ünïcödé", "e\u0301",
]


@pytest.mark.parametrize("text", NOT_MOJIBAKE)
def test_real_text_is_not_repaired(text):
    assert repair_mojibake(text) is None
    page = arrow2bib.parse(f"AAAI Conference 2020 Conference Paper\n{text} Title\n• {text}\n",
                           source="p.txt")
    assert page.problems == () and page.papers[0].title == f"{text} Title"
