"""Remake the web page's screenshots in docs/ (web-desktop.png, web-phone.png): the sample page
pasted and converted to BibTeX, at 1280 and 375 px wide, in Debian's headless Chromium.

    python docs/screenshots.py            # needs the web and test extras and chromium
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from arrow2bib.web import Server

DOCS = Path(__file__).resolve().parent
SAMPLE = DOCS.parent / "examples" / "xiuqiang-he.txt"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars"]


def main() -> None:
    server = Server(0)
    server.start()
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path="/usr/bin/chromium", headless=True, args=ARGS)
            for name, width, height, at in (("desktop", 1280, 1500, None),
                                            ("phone", 375, 1100, "#papers-heading")):
                page = context.new_page()
                page.set_viewport_size({"width": width, "height": height})
                page.goto(server.url)
                page.wait_for_selector("#format option[value=bibtex]", state="attached")
                page.fill("#paste", SAMPLE.read_text(encoding="utf-8"))
                page.click("#convert")
                page.wait_for_function(
                    "() => document.querySelectorAll('#papers tbody tr').length === 13")
                page.evaluate("() => window.scrollTo(0, 0)")
                if at:
                    page.locator(at).scroll_into_view_if_needed()
                    page.evaluate("at => document.querySelector(at).scrollIntoView()", at)
                page.screenshot(path=str(DOCS / f"web-{name}.png"))
                page.close()
            context.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
