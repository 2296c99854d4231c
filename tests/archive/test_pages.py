"""A citizen asks, the authority answers, and the archive shows exactly the public part of it."""
from __future__ import annotations

import gzip
import json
import mailbox
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from tests.archive.conftest import ALLOWED_ADDRESS, EMAIL, HOSTILE, PRIVATE, TODAY, all_files

ATOM = "{http://www.w3.org/2005/Atom}"


def read(site, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


class Tags(HTMLParser):
    """Every start tag with its attributes, to check what is active markup and what is text."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_no_email_address_or_private_text_in_any_file(site):
    files = all_files(site)
    assert len(files) > 30
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for address in EMAIL.findall(text):
            assert ALLOWED_ADDRESS.fullmatch(address), f"{address} in {path.relative_to(site)}"
        for secret in PRIVATE:
            assert secret not in text, f"{secret} in {path.relative_to(site)}"


def test_the_thread_page_shows_every_visible_message_in_order(site, store):
    html = read(site, f"thread/{store.ids['foi']}/index.html")
    assert '<html lang="en">' in html and "Content-Security-Policy" in html
    positions = [html.index(text) for text in ("Please send me the pothole budget.", "We have received your request.",
                                               "Here is the budget, see attached.", "Delivery to a colleague failed.")]
    assert positions == sorted(positions)
    assert "HIDDEN-MESSAGE" not in html and "SPAM-MESSAGE" not in html
    assert "Contact me at [email address]" in html  # belt and braces: the body carried an address
    assert 'class="mark mark-auto_reply">Automatic reply' in html
    assert 'class="mark mark-bounce">Delivery failure (bounce)' in html
    assert "very overdue" in html and "Response due" in html
    # arrival first, and the sender's own date beside it only where the two differ by days
    assert html.count("by the sender's clock") == 1 and "(dated <time" in html
    # folded quotes: a <details> that works without JavaScript
    assert re.search(r"<details class=\"quoted\"[^>]*>\s*<summary>Show quoted text</summary>\s*<div class=\"body\">"
                     r"&gt; Please send me the pothole budget.\n&gt; QUOTED-MARKER</div>\s*</details>", html)
    assert 'href="mailto:subscribe@archive.test?subject=follow%20thread%201"' in html


def test_attachments_released_withheld_and_never_executable(site, store):
    folder = site / f"thread/{store.ids['foi']}/attachments"
    released = folder / str(store.ids["released"])
    assert (released / "budget.csv").read_bytes() == b"budget,amount\nroads,100"  # the public text, redacted
    assert "budget,amount\nroads,100" in read(site, f"thread/{store.ids['foi']}/attachments/{store.ids['released']}/index.html")
    withheld = folder / str(store.ids["withheld"])
    assert sorted(p.name for p in withheld.iterdir()) == ["index.html"]
    assert "withheld pending review" in (withheld / "index.html").read_text()
    assert "review.pdf <span class=\"withheld\">withheld pending review</span>" in read(site, f"thread/{store.ids['foi']}/index.html")
    html_attachment = folder / str(store.ids["html_file"])
    # an HTML file is text: its public text is published, as a .txt no browser runs
    assert sorted(p.name for p in html_attachment.iterdir()) == ["index.html", "page.html.txt"]
    assert (html_attachment / "page.html.txt").read_text() == "page"


def test_hostile_html_stays_text(site, store):
    for relative in (f"thread/{store.ids['hostile']}/index.html", "index.html", "authority/evil/index.html",
                     "authority/index.html"):
        html = read(site, relative)
        tags = tags_of(html)
        assert not [t for t, a in tags if t in ("img", "iframe", "object", "embed", "b", "i")], relative
        scripts = [a.get("src") for t, a in tags if t == "script"]
        assert scripts == [], relative  # no script at all on content pages
        for tag, attrs in tags:
            assert not any(name.startswith("on") for name in attrs), (relative, tag, attrs)
            assert "style" not in attrs, (relative, tag)
            for value in attrs.values():
                assert not (value or "").strip().lower().startswith("javascript:"), (relative, tag, attrs)
        assert "http://tracker" not in "".join(str(a) for _, a in tags)
    html = read(site, f"thread/{store.ids['hostile']}/index.html")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "expression(alert(3))" in html  # shown as text, inside no style attribute
    assert "javascript:alert(9)" not in read(site, "authority/evil/index.html")  # authority url not a link
    assert "&lt;i&gt;Mallory&lt;/i&gt;" in html  # the requester's name labels their message, as text


def test_private_threads_letters_and_the_holding_pen_are_not_published(site, store):
    for name in ("HIDDEN-THREAD", "NOT-PUBLIC-THREAD", "UNCONFIRMED-THREAD"):
        assert not (site / f"thread/{store.ids[name]}").exists()
    index = json.loads(read(site, "api/threads.json"))
    assert sorted(t["id"] for t in index["threads"]) == sorted(
        store.ids[k] for k in ("foi", "hostile", "fresh", "classify", "report", "report_postcode"))
    kinds = {t["kind"] for t in index["threads"]}
    assert kinds == {"foi", "report"}


def test_thread_json_and_the_index(site, store):
    index = json.loads(read(site, "api/threads.json"))
    entry = next(t for t in index["threads"] if t["id"] == store.ids["foi"])
    assert entry["url"] == f"thread/{store.ids['foi']}/" and (site / entry["url"] / "index.html").exists()
    thread = json.loads(read(site, entry["json"]))
    assert thread["kind"] == "foi" and thread["title"] == "Pothole repair budget 2025"
    assert thread["state"] == "very_overdue"
    assert [m["kind"] for m in thread["messages"]] == ["request", "auto_reply", "reply", "bounce"]
    reply = thread["messages"][2]
    assert reply["direction"] == "incoming" and reply["body"] == "Here is the budget, see attached."
    assert reply["quoted"].endswith("QUOTED-MARKER") and "QUOTED" not in reply["body"]
    assert reply["date"].startswith("2026-01-06T")
    files = {a["filename"]: a for a in reply["attachments"]}
    assert (site / files["budget.csv"]["url"]).read_bytes().startswith(b"budget,amount")
    assert files["review.pdf"]["url"] is None and files["review.pdf"]["released"] is False
    assert set(files["budget.csv"]) >= {"filename", "content_type", "size", "url"}


def test_derived_states(site, store):
    states = {t["id"]: t["state"] for t in json.loads(read(site, "api/threads.json"))["threads"]}
    assert states[store.ids["foi"]] == "very_overdue"
    assert states[store.ids["fresh"]] == "waiting_response"
    assert states[store.ids["classify"]] == "awaiting_classification"
    assert "awaiting classification" in read(site, f"thread/{store.ids['classify']}/index.html")


def test_authority_page_statistics_and_request_link(site, store):
    html = read(site, "authority/camden/index.html")
    assert 'href="mailto:foi-camden@archive.test?subject=Freedom%20of%20Information%20request"' in html
    assert 'href="mailto:subscribe@archive.test?subject=follow%20authority%20camden"' in html  # processors/alerts/
    assert "foi@camden.example" not in html
    stats = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))
    # three public requests (pothole, library, tree), two answered, one overdue; two reports
    assert stats["Requests"] == "3" and stats["Response rate"] == "67%" and stats["Overdue now"] == "33%"
    assert stats["Median days to first reply"] == "7.5" and stats["Problem reports"] == "2"
    for title in ("Pothole repair budget 2025", "Library opening hours", "Broken streetlight on High Street"):
        assert title in html
    assert 'href="https://camden.example/"' in html
    listing = read(site, "authority/index.html")
    assert 'href="camden/index.html"' in listing and "67%" in listing


def test_problem_reports_by_area_and_open311(site, store):
    listing = read(site, "reports/index.html")
    row = re.search(r'<tr><td><a href="camden/index.html">Camden Council</a></td>(.*?)</tr>', listing).group(1)
    # two reports: one open, one fixed 3 days after it was sent (by the council's recorded change)
    assert re.findall(r">([^<]+)</td>", row) == ["2", "1", "1", "3"]
    area = read(site, "reports/camden/index.html")
    assert "Broken streetlight on High Street" in area and "Fly-tipping behind the library" in area
    assert dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", area)) == {
        "Reports": "2", "Open": "1", "Fixed": "1", "Median days to fix": "3"}
    assert not (site / "reports/evil").exists()
    services = json.loads(read(site, "api/open311/services.json"))
    assert [(s["service_code"], s["service_name"]) for s in services] == [
        ("fly-tipping", "Fly-tipping"), ("street-lights", "Street lights")]
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in services)
    requests = {r["service_request_id"]: r for r in json.loads(read(site, "api/open311/requests.json"))}
    assert sorted(requests) == sorted(str(store.ids[k]) for k in ("report", "report_postcode"))
    fixed, by_postcode = requests[str(store.ids["report"])], requests[str(store.ids["report_postcode"])]
    assert fixed["status"] == "closed" and fixed["status_notes"].startswith("Fixed since")
    assert (fixed["service_code"], fixed["service_name"]) == ("street-lights", "Street lights")
    assert fixed["description"] == "The light at number 12 is out."
    assert fixed["agency_responsible"] == "Camden Council" and fixed["requested_datetime"].endswith("Z")
    assert (fixed["lat"], fixed["long"], fixed["address"]) == (51.5, -0.1, "NW1 0NE")
    photo = store.ids["report_photo"]
    assert fixed["media_url"] == f"https://archive.test/thread/{store.ids['report']}/photos/{photo}.jpg"
    assert (site / f"thread/{store.ids['report']}/photos/{photo}.jpg").is_file()
    # placed by postcode: no position at all (null, never 0), though the row held its photo's
    assert by_postcode["status"] == "open" and by_postcode["lat"] is None and by_postcode["long"] is None
    assert by_postcode["address"] == "NW1 0NE" and by_postcode["media_url"].endswith(".jpg")
    assert set(fixed) == set(by_postcode) >= {
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "requested_datetime", "updated_datetime", "address", "lat", "long", "media_url"}


def test_a_report_page_shows_category_place_map_photos_and_history(site, store):
    html = read(site, f"thread/{store.ids['report']}/index.html")
    facts = dict(re.findall(r"<dt>([^<]+)</dt> <dd[^>]*>(.*?)</dd>", html))
    assert facts["Category"] == "Street lights"
    assert facts["Place"].startswith("51.50000, -0.10000; postcode NW1 0NE · ")
    assert 'href="https://www.openstreetmap.org/?mlat=51.50000&amp;mlon=-0.10000#map=18/51.50000/-0.10000"' in html
    assert "From" not in facts  # the reporter's name is private
    assert "Fixed since" in html and "the council said so in its update" in html
    history = re.findall(r"<tr><td><time[^>]*>([^<]+)</time></td><td><span[^>]*>([^<]+)</span></td><td>(.*?)</td></tr>",
                         html)
    assert [(state, re.sub("<[^>]+>", "", who)) for _, state, who in history] == [
        ("open", "the reporter"), ("fixed", "the council")]
    assert 'href="#m' in history[1][2]  # the council's change links to its update
    photo = store.ids["report_photo"]
    assert f'<a href="photos/{photo}.jpg"><img src="photos/{photo}-page.jpg"' in html
    assert html.count("<img ") == 1  # the photo that is not a picture is not offered
    # the postcode report: a search link, no position
    other = read(site, f"thread/{store.ids['report_postcode']}/index.html")
    assert "https://www.openstreetmap.org/search?query=NW1+0NE" in other and "mlat=" not in other
    feed = read(site, "reports/camden/feed.atom")
    assert feed.count("<entry>") == 2 and "Fly-tipping behind the library" in feed


def test_representatives_table_shows_counts_only(site):
    html = read(site, "representatives/index.html")
    row = re.search(r"<tr><td>Jo Bloggs MP</td>(.*?)</tr>", html).group(1)
    assert re.findall(r">([^<]+)</td>", row) == ["3", "2", "too little data", "too little data"]  # under 10
    assert "95% Wilson score interval" in html and "counts as no" in html  # the method is on the page
    assert "LETTER-CONTENT" not in html


def test_home_feeds_and_mbox(site, store):
    home = read(site, "index.html")
    assert home.index("Library opening hours") < home.index("Pothole repair budget 2025")  # latest first
    assert 'href="mailto:report@archive.test?subject=Problem%20report"' in home
    for relative in ("feed.atom", "authority/camden/feed.atom", f"thread/{store.ids['foi']}/feed.atom"):
        feed = ET.parse(site / relative).getroot()
        assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}id").text.startswith("https://archive.test/")
        assert feed.findall(f"{ATOM}entry")
    thread_feed = ET.parse(site / f"thread/{store.ids['hostile']}/feed.atom").getroot()
    assert HOSTILE in thread_feed.find(f"{ATOM}entry/{ATOM}content").text  # text, escaped in the XML
    box = mailbox.mbox(site / f"thread/{store.ids['foi']}/thread.mbox", create=False)
    messages = list(box)
    assert [m["X-Mailgate-Kind"] for m in messages] == ["request", "auto_reply", "reply", "bounce"]
    assert messages[2]["From"] == "Camden FOI team"
    assert "> > Please send me the pothole budget." in messages[2].get_payload()


def test_links_are_relative_and_resolve(site):
    """Every href/src on every page points to a file that exists (so the site works from file://)."""
    from templates.credits import CREDITS

    credited = {credit.url for credit in CREDITS}  # the about page links to the sources it credits
    for page in site.rglob("*.html"):
        for _tag, attrs in tags_of(page.read_text()):
            for name in ("href", "src"):
                target = attrs.get(name)
                if not target or target in credited or target.startswith(
                        ("mailto:", "#", "https://archive.test/", "https://camden.",
                         "https://www.openstreetmap.org/")):  # a report's map: a link, never a resource
                    continue
                assert not target.startswith(("/", "http:", "https:", "//")), (page, target)
                if "pagefind/" in target:
                    continue  # the search bundle exists only when search is built
                resolved = (page.parent / target.split("#")[0]).resolve()
                assert resolved.exists() and resolved.is_file(), (page.relative_to(site), target)


def test_no_external_resources(site):
    for page in site.rglob("*.html"):
        for tag, attrs in tags_of(page.read_text()):
            if tag in ("script", "img", "iframe") or (tag == "link" and attrs.get("rel") == "stylesheet"):
                target = attrs.get("src") or attrs.get("href") or ""
                assert "://" not in target and not target.startswith("//"), (page, target)
    css = read(site, "static/archive.css")
    assert "url(" not in css and "@import" not in css


def test_no_private_text_or_address_in_the_search_index(store, tmp_path):
    """Pagefind indexes every page, the attachments' text views too; its files are gzipped, so read them unzipped."""
    from web_archive.build import build_site

    out = tmp_path / "searched"
    build_site(store.config, out, full=True, search=True, today=TODAY, progress=False)
    index = []
    for path in sorted((out / "pagefind").rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            index.append((gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8", "replace"))
    text = "\n".join(index)
    # the canaries' neighbours are there: the check reads the attachments' indexed text
    assert "roads,100" in text and "Final-Recipient: rfc822; [email address]" in text
    for secret in PRIVATE:
        assert secret not in text, secret
    assert [a for a in EMAIL.findall(text) if not ALLOWED_ADDRESS.fullmatch(a)] == []


def test_a_reports_private_fields_reach_no_json_feed_or_open311(site, store):
    """The canary test above searches every file; this names the machine-readable ones a report is in."""
    private = [s for s in PRIVATE if "REPORTER" in s or "PHOTO" in s or "CANARY" in s] + ["pat@private", "lee@private"]
    for relative in ("api/open311/requests.json", "api/open311/services.json", "api/threads.json",
                     f"thread/{store.ids['report']}/thread.json", f"thread/{store.ids['report_postcode']}/thread.json",
                     f"thread/{store.ids['report']}/feed.atom", "reports/camden/feed.atom",
                     f"thread/{store.ids['report']}/thread.mbox"):
        text = read(site, relative)
        for secret in private:
            assert secret not in text, (secret, relative)
    placed_by_postcode = json.loads(read(site, f"thread/{store.ids['report_postcode']}/thread.json"))
    assert placed_by_postcode["requester"] == "" and placed_by_postcode["report"]["lat"] is None
    assert placed_by_postcode["report"]["postcode"] == "NW1 0NE"
