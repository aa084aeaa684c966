"""The web page (issue 20) in a real headless Chromium (Debian's chromium, driven by
Playwright's client): paste the sample page, see its 13 papers and cut author lists, download
BibTeX equal to the CLI's, drop an HTML page, choose a CSL style, use the keyboard only, stay
within 375 px, pass axe-core, and show script payloads in titles as text without running them.

One browser for the module; each test has a page of its own. Skips without chromium or
Playwright (a failure under CI=true: the root conftest.py)."""

from __future__ import annotations

import io
import os
import shutil

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed "
                    "(pip install 'arrow2bib[web]')")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (the test extra)")

from arrow2bib.cli import main  # noqa: E402

from .conftest import ROOT, SAMPLE  # noqa: E402
from .test_web import PAYLOADS, injection_page  # noqa: E402

CHROMIUM = os.environ.get("ARROW2BIB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
HTML_PAGE = ROOT / "tests" / "data" / "xiuqiang-he.clean.html"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server():
    from arrow2bib.web import Server

    running = Server(0)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        # a persistent context is the way to give the browser a fresh --user-data-dir
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM,
            headless=True, args=ARGS, accept_downloads=True,
            viewport={"width": 1280, "height": 900})
        yield context
        context.close()


@pytest.fixture
def page(browser, server):
    tab = browser.new_page()
    tab.dialogs = []  # type: ignore[attr-defined]
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.goto(server.url)
    tab.wait_for_selector("#format option[value=bibtex]", state="attached")
    yield tab
    tab.close()


def cli_output(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["convert", str(SAMPLE), *args], out=out, err=err) == 0, err.getvalue()
    return out.getvalue()


def convert(page, rows: int) -> None:
    page.click("#convert")
    # functions, not expression strings: the page's CSP forbids eval (no 'unsafe-eval')
    page.wait_for_function(
        """rows => document.querySelectorAll('#papers tbody tr').length === rows &&
                   !document.getElementById('convert').disabled""", arg=rows)


def cells(page, column: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#papers tbody tr td:nth-child({column})", "cells => cells.map(c => c.textContent)")


def test_paste_the_sample_see_13_papers_and_download_the_cli_bibtex(page, tmp_path):
    page.fill("#paste", SAMPLE.read_text(encoding="utf-8"))
    page.select_option("#format", "bibtex")
    convert(page, 13)
    assert page.locator("#papers tbody tr").count() == 13
    assert page.locator(".etal").count() == 5
    marks = page.eval_on_selector_all(".etal", "marks => marks.map(m => m.textContent)")
    assert sorted(marks) == ["et al.", "et al.?", "et al.?", "et al.?", "et al.?"]
    problems = cells(page, 7)
    assert sum("truncated-authors" in cell for cell in problems) == 5
    # the filter by problem code
    page.select_option("#filter", "truncated-authors")
    assert page.locator("#papers tbody tr:visible").count() == 5
    page.select_option("#filter", "")
    assert page.locator("#papers tbody tr:visible").count() == 13
    expected = cli_output("--to", "bibtex")
    assert page.text_content("#preview") == expected
    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename == "references.bib"
    saved = tmp_path / "refs.bib"
    download.save_as(saved)
    assert saved.read_bytes() == expected.encode("utf-8")
    assert page.errors == [] and page.dialogs == []


def test_copy_to_the_clipboard(page, browser, server):
    browser.grant_permissions(["clipboard-read", "clipboard-write"],
                              origin=server.url.rstrip("/"))
    page.fill("#paste", SAMPLE.read_text(encoding="utf-8"))
    page.select_option("#format", "ris")
    convert(page, 13)
    page.click("#copy")
    page.wait_for_function("() => document.getElementById('status').textContent"
                           ".startsWith('Copied')")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == cli_output("--to", "ris")  # CRLF line endings and all


def test_orcid_work_layout_downloads_one_zip(page, tmp_path):
    page.fill("#paste", SAMPLE.read_text(encoding="utf-8"))
    page.select_option("#format", "orcid")
    page.fill("#option-layout", "work")
    convert(page, 13)
    assert page.text_content("#output-name") == "references.zip: 13 files"
    assert page.is_disabled("#copy")
    with page.expect_download() as info:
        page.click("#download")
    info.value.save_as(tmp_path / "works.zip")
    import zipfile

    names = zipfile.ZipFile(tmp_path / "works.zip").namelist()
    assert len(names) == 13 and "references-li2025higher.xml" in names


def test_drop_an_html_page(page):
    data = HTML_PAGE.read_text(encoding="utf-8")
    transfer = page.evaluate_handle(
        """text => { const t = new DataTransfer();
                     t.items.add(new File([text], 'xiuqiang-he.clean.html', {type: 'text/html'}));
                     return t; }""", data)
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    assert page.text_content("#file-list").startswith("xiuqiang-he.clean.html")
    convert(page, 13)
    assert page.locator(".etal").count() == 5
    assert page.text_content("#output-name") == "xiuqiang-he.clean.bib"


def test_a_key_pattern(page):
    page.fill("#paste", SAMPLE.read_text(encoding="utf-8"))
    page.fill("#key-pattern", "{auth}:{year}")
    convert(page, 13)
    assert cells(page, 6)[0] == "li:2025"
    assert page.text_content("#preview") == cli_output("--to", "bibtex", "-k", "{auth}:{year}")


def test_choose_a_csl_style(page):
    page.fill("#paste", SAMPLE.read_text(encoding="utf-8"))
    page.select_option("#format", "text")
    assert page.is_visible("#style")
    page.fill("#style", "ieee")
    convert(page, 13)
    preview = page.text_content("#preview")
    assert preview.startswith("[1] ")
    assert preview == cli_output("--to", "text", "--style", "ieee")
    page.select_option("#format", "ris")  # no style there: the field goes
    assert not page.is_visible("#style")


def test_keyboard_only(page, tmp_path):
    page.focus("#paste")
    page.keyboard.insert_text(SAMPLE.read_text(encoding="utf-8"))
    order = []
    for _ in range(20):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id"))
        if order[-1] == "convert":
            break
    assert order[-1] == "convert" and "files" in order and "format" in order
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#papers tbody tr').length === 13")
    page.focus("#filter")
    page.keyboard.press("ArrowDown")  # "papers with a problem"
    assert page.locator("#papers tbody tr:visible").count() == 5
    page.focus("#download")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    info.value.save_as(tmp_path / "out.bib")
    assert (tmp_path / "out.bib").read_text(encoding="utf-8") == cli_output("--to", "bibtex")


def test_script_payloads_in_titles_stay_text(page):
    page.fill("#paste", injection_page())
    convert(page, 13)
    titles = cells(page, 2)
    for payload in PAYLOADS:
        assert payload in titles
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == [] and page.errors == []
    assert page.locator("main img").count() == 0
    assert page.locator("script").count() == 1  # the page's own
    assert page.locator("a[href^='javascript']").count() == 0
    page.select_option("#format", "html")  # the HTML format's text, shown as text too
    page.wait_for_function(
        "() => document.getElementById('output-name').textContent.endsWith('.html')")
    assert "&lt;script&gt;window.__pwned" in page.text_content("#preview").lower()
    assert page.evaluate("typeof window.__pwned") == "undefined" and page.dialogs == []


def _axe(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # DevTools' evaluation: not an inline script
    found = page.evaluate("""async () => {
        const results = await axe.run(document);
        return {passes: results.passes.length, violations: results.violations.map(v =>
            ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))};
    }""")
    assert found["passes"] > 10  # axe ran its rules on the page
    return [v for v in found["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_and_no_horizontal_scroll(page, width):
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed in tests/js ({AXE}): npm ci --prefix tests/js")
    page.set_viewport_size({"width": width, "height": 800})
    text = SAMPLE.read_text(encoding="utf-8")
    # the papers twice: duplicate groups on the page too
    page.fill("#paste", text + "\n" + text.split("Possible papers\n", 1)[1])
    convert(page, 26)
    assert page.is_visible("#duplicates-box")
    groups = page.locator("#duplicates .group")
    assert groups.count() == 13
    cards = groups.first.locator(".card")
    assert cards.count() == 2
    if width >= 1280:  # side by side: the two cards on one line
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        assert first["y"] == second["y"] and first["x"] < second["x"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _axe(page) == []
