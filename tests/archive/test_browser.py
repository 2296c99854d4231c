"""The archive in headless Chromium at phone and desktop widths: from file:// and served, with search."""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

from tests.archive.conftest import TODAY

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "archive"
WIDTHS = {"phone": 375, "desktop": 1280}

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True, scope="module")
def chromium_installed():
    """`make test` installs Debian's chromium; in CI its absence fails the run, on a laptop it skips."""
    if not Path(CHROMIUM).exists():
        message = "needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One site with search for the whole module (Pagefind takes a moment)."""
    from store.models import Counterpart
    from tests.archive.conftest import Store
    from web_archive.build import build_site

    tmp = tmp_path_factory.mktemp("browser")
    store = Store(tmp).populate()
    # a long one-word place name, as real authority names have
    store.add(Counterpart(slug="borsetshire", name="Borsetshire County Council", email="foi@borsetshire.example"))
    out = tmp / "site"
    build_site(store.config, out, full=True, search=True, today=TODAY, progress=False)
    return store, out


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(built):
    from web_archive.serve import make_server

    httpd = make_server(built[1], 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def open_page(browser, width: int):
    """A page that records console errors and every request that leaves file:// or localhost."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.errors, page.outside = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def check(route):
        url = route.request.url
        if url.startswith(("file://", "http://127.0.0.1", "http://localhost", "data:")):
            route.continue_()
        else:
            page.outside.append(url)
            route.abort()

    page.route("**/*", check)
    return context, page


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("device", WIDTHS)
def test_pages_from_file_urls(browser, built, device):
    store, out = built
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page = open_page(browser, WIDTHS[device])
    try:
        pages = {"home": "index.html", "thread": f"thread/{store.ids['foi']}/index.html",
                 "hostile": f"thread/{store.ids['hostile']}/index.html", "authority": "authority/camden/index.html",
                 "authorities": "authority/index.html", "representatives": "representatives/index.html",
                 "reports": "reports/camden/index.html", "about": "about/index.html",
                 "classify": f"thread/{store.ids['classify']}/index.html",
                 "attachment": f"thread/{store.ids['foi']}/attachments/{store.ids['released']}/index.html",
                 "report": f"thread/{store.ids['report']}/index.html", "report-areas": "reports/index.html",
                 "photo-attachment": f"thread/{store.ids['foi']}/attachments/{store.ids['photo']}/index.html"}
        for name, relative in pages.items():
            page.goto((out / relative).as_uri())
            assert page.locator("h1").count() == 1, name
            if device == "phone":
                assert no_horizontal_overflow(page), f"{name} overflows at 375px"
            page.screenshot(path=str(ARTIFACTS / f"{name}-{device}.png"), full_page=True)
        # hostile content stayed inert: no dialog, no script ran, the tracker was never asked for
        page.goto((out / pages["hostile"]).as_uri())
        assert page.evaluate("document.querySelectorAll('main script, main img, main iframe').length") == 0
        # the folded quote opens on click, without JavaScript of ours
        page.goto((out / pages["thread"]).as_uri())
        details = page.locator("details.quoted").first
        assert not details.evaluate("d => d.open")
        assert not page.get_by_text("QUOTED-MARKER").is_visible()
        details.locator("summary").click()
        assert details.evaluate("d => d.open")
        assert page.get_by_text("QUOTED-MARKER").is_visible()
        # relative links work from file://
        page.get_by_role("link", name="Camden Council").first.click()
        assert page.url.endswith("authority/camden/index.html")
        assert page.errors == [] and page.outside == []
    finally:
        context.close()


@pytest.mark.parametrize("device", WIDTHS)
def test_a_report_page_shows_its_photo_and_links_its_map(browser, built, device):
    store, out = built
    context, page = open_page(browser, WIDTHS[device])
    try:
        page.goto((out / f"thread/{store.ids['report']}/index.html").as_uri())
        photo = page.locator("ul.photos img").first
        photo.wait_for()
        # the page copy loaded (the CSP allows images from the site itself) and fits the screen
        width = photo.evaluate("img => img.complete && img.naturalWidth")
        assert width and width <= 800
        assert photo.evaluate("img => img.getBoundingClientRect().right") <= WIDTHS[device]
        link = page.get_by_role("link", name="map on OpenStreetMap")
        assert link.get_attribute("href").startswith("https://www.openstreetmap.org/?mlat=51.50000")
        assert page.locator("table.history tbody tr").count() == 2
        page.screenshot(path=str(ARTIFACTS / f"report-page-{device}.png"), full_page=True)
        assert page.errors == [] and page.outside == []  # no tiles, no scripts: nothing left the site
    finally:
        context.close()


@pytest.mark.parametrize("device", WIDTHS)
def test_search_served_over_http(browser, built, server, device):
    context, page = open_page(browser, WIDTHS[device])
    try:
        page.goto(server + "search/")
        box = page.locator(".pagefind-ui__search-input")
        box.wait_for(timeout=10_000)
        box.fill("pothole")
        result = page.locator(".pagefind-ui__result-link").first
        result.wait_for(timeout=10_000)
        assert "Pothole repair budget" in result.inner_text()
        if device == "phone":
            assert no_horizontal_overflow(page)
        page.screenshot(path=str(ARTIFACTS / f"search-{device}.png"), full_page=True)
        result.click()
        page.wait_for_load_state()
        assert "/thread/" in page.url and page.locator("h1").inner_text() == "Pothole repair budget 2025"
        assert page.errors == [] and page.outside == []
    finally:
        context.close()


# Every word in a table cell, split on white space, that the browser laid out over more than one line.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("th, td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("device", WIDTHS)
def test_no_table_cell_breaks_a_word(browser, built, device):
    store, out = built
    context, page = open_page(browser, WIDTHS[device])
    try:
        broken = {}
        for relative in ("index.html", "authority/index.html", "authority/camden/index.html",
                         "representatives/index.html", "reports/camden/index.html", "reports/index.html",
                         f"thread/{store.ids['report']}/index.html"):
            page.goto((out / relative).as_uri())
            assert page.locator("table").count() >= 1, relative
            words = page.evaluate(BROKEN_WORDS)
            if words:
                broken[relative] = words
            if device == "phone":
                assert no_horizontal_overflow(page), f"{relative} overflows at 375px"
        assert broken == {}
    finally:
        context.close()


def test_the_search_note_shows_only_when_search_cannot_load(browser, built, server):
    store, out = built
    context, page = open_page(browser, WIDTHS["desktop"])
    try:
        page.goto(server + "search/")
        page.locator(".pagefind-ui__search-input").wait_for(timeout=10_000)
        page.locator("body[data-search]").wait_for(state="attached", timeout=10_000)  # search.js has decided
        assert page.locator("body").get_attribute("data-search") == "ready"
        assert not page.locator("p.note").first.is_visible() and not page.locator("p.note").last.is_visible()
        page.goto((out / "search/index.html").as_uri())
        page.locator("#search-needs-http").wait_for(state="visible", timeout=10_000)
        assert "served over http" in page.locator("#search-needs-http").inner_text()
    finally:
        context.close()


def test_search_results_keep_title_snippet_and_details_apart(browser, built, server):
    context, page = open_page(browser, WIDTHS["desktop"])
    try:
        page.goto(server + "search/")
        box = page.locator(".pagefind-ui__search-input")
        box.wait_for(timeout=10_000)
        box.fill("pothole")
        first = page.locator(".pagefind-ui__result").first
        first.locator(".pagefind-ui__result-link").first.wait_for(timeout=10_000)
        title = first.locator(".pagefind-ui__result-title").first.inner_text()
        excerpt = first.locator(".pagefind-ui__result-excerpt").first.inner_text()
        assert title.strip() == "Pothole repair budget 2025"
        # the facts are not glued into the snippet, nor is the date line or its "link" into a message's heading
        for glued in ("ToCamden", "CouncilFrom", "CitizenState", "overdue Sent", "· link"):
            assert glued not in excerpt, excerpt
        assert not re.search(r"[a-z][A-Z]", excerpt), excerpt
        subtitles = [t.strip() for t in first.locator(".pagefind-ui__result-nested .pagefind-ui__result-title")
                     .all_inner_texts()]
        assert subtitles and all(not t.endswith("link") for t in subtitles), subtitles
        # who and where, as separate details of the result
        tags = " | ".join(first.locator(".pagefind-ui__result-tag").all_inner_texts())
        assert "Camden Council" in tags and "very overdue" in tags, tags
    finally:
        context.close()
