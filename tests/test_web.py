"""The web page's API (issue 20) through Starlette's TestClient: a real conversion of the
sample page by the engine the command line runs, and the server's guards (Host, size, URLs,
CSL style paths, injection payloads kept as text)."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed "
                    "(pip install 'arrow2bib[web]')")
pytest.importorskip("httpx2", reason="Starlette's TestClient needs httpx2 (the test extra)")

from starlette.testclient import TestClient  # noqa: E402

from arrow2bib import parse
from arrow2bib.cli import main
from arrow2bib.plugins import get_plugin_manager
from arrow2bib.web.app import create_app

from .conftest import SAMPLE

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
PAYLOADS = (
    "<script>window.__pwned = 1</script> Sparse Attention at Scale",
    "javascript:window.__pwned=1 Low-Rank Tokens",
    '"><img src=x onerror="window.__pwned=1;alert(1)"> Graph Recommendation',
)
TITLES = (
    "Beyond Higher Rank: Token-wise Input-Output Projections for Efficient Low-Rank Adaptation",
    "Semantic Retrieval Augmented Contrastive Learning for Sequential Recommendation",
    "Towards Hybrid-grained Feature Interaction Selection for Deep Sparse Network",
)


def injection_page() -> str:
    """The sample page with three titles replaced by script payloads."""
    text = SAMPLE.read_text(encoding="utf-8")
    for title, payload in zip(TITLES, PAYLOADS):
        assert title in text
        text = text.replace(title, payload)
    return text


@pytest.fixture(scope="module")
def client():
    # the installed plugins too (hayagriva), as the command line has them
    app = create_app(port=PORT, pm=get_plugin_manager())
    with TestClient(app, base_url=BASE) as test_client:
        yield test_client


def cli_output(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["convert", str(SAMPLE), *args], out=out, err=err) == 0, err.getvalue()
    return out.getvalue()


def post(client, text: str = "", files=(), **fields):
    return client.post("/api/convert", data={"text": text, **fields}, files=list(files) or None)


def test_sample_page_papers_problems_and_bibtex_equal_to_the_cli(client):
    response = post(client, SAMPLE.read_text(encoding="utf-8"), format="bibtex")
    assert response.status_code == 200, response.text
    data = response.json()
    assert [paper["title"] for paper in data["papers"]] == \
        [paper.title for paper in parse(SAMPLE.read_bytes()).papers]
    assert len(data["papers"]) == 13 and data["read"] == data["written"] == 13
    cut = {paper["key"]: paper["authors_status"] for paper in data["papers"] if paper["et_al"]}
    assert cut == {"li2025higher": "may-be-truncated", "cui2025semantic": "truncated",
                   "lyu2023hybrid": "may-be-truncated",
                   "yu2022regularization": "may-be-truncated",
                   "chen2021graph": "may-be-truncated"}
    truncated = next(p for p in data["papers"] if p["key"] == "cui2025semantic")
    assert len(truncated["authors"]) == 8
    # the cut list is a note (the site causes it), as is the link rebuilt from split text
    assert [(p["code"], p["severity"], p["line"]) for p in truncated["problems"]] == \
        [("truncated-authors", "info", truncated["line"]),
         ("url-repaired", "info", truncated["line"])]
    first = data["papers"][0]
    assert (first["venue"], first["year"], first["line"]) == ("NeurIPS", 2025, 16)
    assert data["duplicates"] == [] and data["problems"] == []
    assert data["output"]["kind"] == "text"
    assert data["output"]["text"] == cli_output("--to", "bibtex")


@pytest.mark.parametrize("fmt,args", [
    ("ris", ()),  # CRLF line endings kept
    ("csljson", ()),
    ("hayagriva", ()),  # a plugin's format
    ("text", ("--style", "ieee")),
])
def test_other_formats_equal_the_cli(client, fmt, args, monkeypatch):
    fields = {"format": fmt}
    if args:
        fields["style"] = args[1]
    # an uploaded file is named as the CLI names a file given by its name (csljson writes it)
    data = post(client, files=[("files", (SAMPLE.name, SAMPLE.read_bytes()))], **fields).json()
    monkeypatch.chdir(SAMPLE.parent)
    out, err = io.StringIO(), io.StringIO()
    assert main(["convert", SAMPLE.name, "--to", fmt, *args], out=out, err=err) == 0
    assert data["output"]["text"] == out.getvalue()
    assert data["output"]["filename"].startswith(SAMPLE.stem)


def test_formats_lists_every_registered_format_with_options(client):
    out = io.StringIO()
    assert main(["formats", "--json"], out=out, err=io.StringIO()) == 0
    data = client.get("/api/formats").json()
    assert data["formats"] == json.loads(out.getvalue())
    assert "hayagriva" in [info["name"] for info in data["formats"]]
    assert {"apa", "ieee", "chicago-author-date"} <= set(data["styles"])


def test_uploaded_files_and_duplicate_groups(client):
    html = SAMPLE.parent.parent / "tests" / "data" / "xiuqiang-he.clean.html"
    data = post(client, SAMPLE.read_text(encoding="utf-8"),
                files=[("files", ("he.html", html.read_bytes(), "text/html"))]).json()
    assert len(data["papers"]) == 26
    assert {paper["source"] for paper in data["papers"]} == {"pasted text", "he.html"}
    # each paper of the pasted page and its copy from the file make one group
    assert len(data["duplicates"]) == 13
    assert all(len(group["papers"]) == 2 and group["papers"][1] - group["papers"][0] == 13
               for group in data["duplicates"])
    assert all(reason["code"] == "duplicate" for group in data["duplicates"]
               for reason in group["reasons"])


def test_dedupe_first_keeps_the_skipped_copies_visible(client):
    text = SAMPLE.read_text(encoding="utf-8")
    data = post(client, text, files=[("files", ("copy.txt", text.encode()))],
                dedupe="first").json()
    assert data["written"] == 13 and data["skipped"] == 13
    copies = [paper for paper in data["papers"] if paper["source"] == "copy.txt"]
    assert all(paper["key"] is None and paper["problems"] for paper in copies)


@pytest.mark.parametrize("dedupe", ["first", "merge"])
def test_duplicate_groups_stay_when_copies_are_removed(client, dedupe):
    """With the copies skipped or merged, the groups are still shown, side by side with the
    reasons (they were empty: the removed copy's note keeps the duplicate's details apart)."""
    text = SAMPLE.read_text(encoding="utf-8")
    data = post(client, text, files=[("files", ("copy.txt", text.encode()))],
                dedupe=dedupe).json()
    assert len(data["duplicates"]) == 13
    assert all(len(group["papers"]) == 2 and group["reasons"][0]["code"] == "dedupe"
               and group["reasons"][0]["kind"] == "identical" for group in data["duplicates"])


def test_orcid_work_layout_is_one_zip_of_the_cli_files(client, tmp_path):
    data = post(client, SAMPLE.read_text(encoding="utf-8"), format="orcid",
                **{"option.layout": "work"}).json()
    assert data["output"]["kind"] == "zip"
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(data["output"]["zip_base64"])))
    names = sorted(archive.namelist())
    assert len(names) == 13 and names == sorted(data["output"]["files"])
    cli_out = tmp_path / "references.xml"
    cli_output("--to", "orcid", "-O", "layout=work", "-o", str(cli_out))
    written = sorted(path.name for path in tmp_path.iterdir())
    assert names == written
    for name in names:
        assert archive.read(name) == (tmp_path / name).read_bytes()


def test_injection_titles_stay_text_in_json(client):
    response = post(client, injection_page(), format="bibtex")
    assert response.headers["content-type"] == "application/json"
    titles = [paper["title"] for paper in response.json()["papers"]]
    for payload in PAYLOADS:
        assert payload in titles  # exactly as written, no markup added or stripped
    assert "<script>" in response.text  # JSON escapes quotes, not angle brackets: text


def test_a_host_that_is_not_local_is_refused(client):
    for host in ("evil.example", f"evil.example:{PORT}", "127.0.0.1:1", "localhost.evil:8765",
                 f"127.0.0.2:{PORT}"):
        response = client.get("/", headers={"host": host})
        assert response.status_code == 403, host
        assert "this computer" in response.json()["error"]
        response = client.post("/api/convert", data={"text": "x"}, headers={"host": host})
        assert response.status_code == 403
    for host in (f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}"):
        assert client.get("/", headers={"host": host}).status_code == 200, host


def test_hosts_without_a_port_when_the_port_is_not_known():
    with TestClient(create_app(), base_url="http://localhost") as anyport:
        for host in ("localhost", "127.0.0.1", "[::1]", "[::1]:9", "localhost:1234"):
            assert anyport.get("/", headers={"host": host}).status_code == 200, host
        for host in ("[::2]", "example.org", "127.0.0.1.example.org", ""):
            assert anyport.get("/", headers={"host": host}).status_code == 403, host


def test_a_broken_plugin_is_a_clear_json_error():
    from arrow2bib import Exporter, hookimpl

    class Broken(Exporter):
        name, extension = "broken", ".broken"

        def export(self, entries, out, options):
            raise RuntimeError("the plugin's own bug")

    class Plugin:
        @hookimpl
        def register_exporters(self, register):
            register(Broken())

    pm = get_plugin_manager(load_installed=False)
    pm.register(Plugin(), name="broken-plugin")
    with TestClient(create_app(port=PORT, pm=pm), base_url=BASE) as broken:
        assert "broken" in [f["name"] for f in broken.get("/api/formats").json()["formats"]]
        response = post(broken, SAMPLE.read_text(encoding="utf-8"), format="broken")
    assert response.status_code == 500
    assert "RuntimeError: the plugin's own bug" in response.json()["error"]


def test_a_cross_site_post_is_refused(client):
    response = client.post("/api/convert", data={"text": "x"},
                           headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    response = client.post("/api/convert", data={"text": "x"},
                           headers={"sec-fetch-site": "cross-site"})
    assert response.status_code == 403


def test_security_headers_on_every_response(client):
    for path in ("/", "/static/app.js", "/api/formats", "/nothing-here"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self';" in csp and "default-src 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["x-content-type-options"] == "nosniff"
    page = client.get("/").text
    assert '<script src="/static/app.js"' in page and "<script>" not in page
    assert "http://" not in page and "https://" not in page  # nothing from elsewhere


def test_input_over_the_size_limit_is_a_clear_413(tmp_path):
    app = create_app(port=PORT, max_bytes=1024 * 1024)
    with TestClient(app, base_url=BASE) as small:
        response = small.post("/api/convert", data={"text": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert "at most 1 MB" in response.json()["error"]


def test_a_pasted_url_is_never_fetched(client, monkeypatch):
    import urllib.request

    def no_fetching(*args, **kwargs):
        raise AssertionError("the server tried to fetch a URL")

    # every fetch (arrow2bib.read.fetch and urlopen alike) goes through an OpenerDirector
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_fetching)
    response = post(client, "https://arrow.example.org/authors/xiuqiang-he")
    assert response.status_code == 400
    assert "never fetches" in response.json()["error"]
    # an address on a line of its own in a page: read as text, and the answer says so
    text = "https://arrow.example.org/authors/xiuqiang-he\n" + SAMPLE.read_text(encoding="utf-8")
    data = post(client, text).json()
    assert len(data["papers"]) == 13
    assert any("not fetched" in note for note in data["notes"])
    assert post(client, SAMPLE.read_text(encoding="utf-8")).json()["notes"] == []


@pytest.mark.parametrize("fields,message", [
    ({"format": "nosuch"}, "Unknown format 'nosuch'"),
    ({"format": "bibtex", "option.style": "apa"}, "has no option 'style'"),
    ({"format": "bibtex", "style": "apa"}, "takes no CSL style"),
    ({"format": "text", "style": "/etc/passwd"}, "is not a CSL style name"),
    ({"format": "text", "style": "../../x.csl"}, "is not a CSL style name"),
    ({"format": "ris", "option.eol": "cr"}, "eol"),
    # no option reads a file of the server's disk (propernouns showed a file's first line)
    ({"format": "text", "option.style": "/etc/passwd"}, "is not a CSL style name"),
    ({"format": "text", "option.style": "x.csl"}, "is not a CSL style name"),
    # (paths that do not exist: were the option read, its error would differ; /dev/zero
    # made the server read until its memory was gone)
    ({"format": "bibtex", "option.propernouns": "/nonexistent/nouns.txt"},
     "names a file on the machine"),
    ({"format": "text", "option.propernouns": "/nonexistent/nouns.txt"},
     "names a file on the machine"),
    ({"format": "text", "option.locale": "../../etc/passwd"}, "is not a locale"),
])
def test_bad_choices_are_clear_400s(client, fields, message):
    response = post(client, SAMPLE.read_text(encoding="utf-8"), **fields)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_not_a_page_names_the_input(client):
    response = post(client, files=[("files", ("notes.txt", b"just some notes\n"))])
    assert response.status_code == 400
    assert response.json()["error"].startswith("notes.txt")
    assert post(client, "   ").status_code == 400


def test_the_per_request_folder_is_gone_before_the_answer(client, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    response = post(client, SAMPLE.read_text(encoding="utf-8"), format="orcid",
                    **{"option.layout": "work"})
    assert response.status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_the_api_answers_404_and_405_as_json(client):
    """docs/web.md: the API's errors are JSON ({"error": ...}); a wrong path or method was
    Starlette's plain text."""
    for response, status in ((client.get("/api/nosuch"), 404),
                             (client.get("/api/convert"), 405),
                             (client.delete("/api/formats"), 405)):
        assert response.status_code == status
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["error"]
    assert client.get("/nosuch").status_code == 404  # the page's own paths: as they were
