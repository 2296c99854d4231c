"""The archive read as a person reads it (issue 11): who wrote each message, counts in good English, why a
thread's state is what it is, and an about page that every page links to."""
from __future__ import annotations

import html
import re

from store.models import Thread
from tests.archive.conftest import TODAY, message, when


def read(site, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def build(store, tmp_path):
    from web_archive.build import build_site

    out = tmp_path / "built"
    build_site(store.config, out, full=True, search=False, today=TODAY, progress=False)
    return out


def heading_of(html: str, message_id: int) -> str:
    """The text of a message's heading, tags and the date line left out."""
    heading = re.search(rf'<h2 id="h{message_id}">(.*?)</h2>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", heading).split())


def test_a_message_is_labelled_with_the_authority_or_the_requester(store, tmp_path):
    with_name = store.add(Thread(kind="foi", title="Typo reply", state="waiting_response", counterpart_id=store.ids["camden"],
                                 citizen_name="Jo Citizen", citizen_email="jo@private.example",
                                 created_at=when(9), sent_at=when(9), last_activity_at=when(1)))
    records = store.add(message(with_name, 52, "incoming", "reply", "The 2024 hours were the same.",
                                from_name="Records"))
    ours = store.add(message(with_name, 51, "outgoing", "request", "Please send the hours.", from_name="Jo Citizen"))
    note = store.add(message(with_name, 53, "incoming", "note", "Thanks, that answers it.", from_name="Jo C."))
    anonymous = store.ids["classify"]  # a thread whose requester gave no public name
    site = build(store, tmp_path)
    html = read(site, f"thread/{with_name.id}/index.html")
    assert heading_of(html, records.id).startswith("Camden Council")
    assert "Records" not in heading_of(html, records.id)
    assert heading_of(html, ours.id).startswith("Jo Citizen")
    assert heading_of(html, note.id) == "Jo Citizen"  # the requester's note came in, but is theirs
    bounce = re.search(r'<h2 id="h\d+"><span class="mark mark-bounce">.*?</h2>', read(site, f"thread/{store.ids['foi']}/index.html"))
    assert bounce and "Mail delivery system" in bounce.group(0) and "Camden" not in bounce.group(0)
    classify = read(site, f"thread/{anonymous}/index.html")
    labels = [" ".join(re.sub(r"<[^>]+>", " ", h).split()) for h in re.findall(r"<h2 id=\"h\d+\">(.*?)</h2>", classify, re.S)]
    assert labels == ["The requester", "Camden Council"]


def test_counts_agree_with_their_nouns(store, tmp_path):
    from web_archive.lists import render_home
    from web_archive.pages import Site

    site = Site(store.config, {}, TODAY)
    assert "1 request and 1 problem report so far" in render_home(site, [], {"foi": 1, "report": 1})
    assert "2 requests and 0 problem reports so far" in render_home(site, [], {"foi": 2, "report": 0})
    # a one-byte file is "1 byte"
    from store.blobs import put_blob
    from store.models import Attachment
    reply = store.ids["reply"]
    tiny = store.add(Attachment(message_id=reply, filename="one.csv", public_filename="one.csv", content_type="text/csv",
                                size=1, sha256=put_blob(store.blob_dir, b"x"), public_text="x"))
    built = build(store, tmp_path)
    page = read(built, f"thread/{store.ids['foi']}/index.html")
    assert "(text/csv, 1 byte)" in page and "1 bytes" not in page
    assert "1 bytes" not in read(built, f"thread/{store.ids['foi']}/attachments/{tiny.id}/index.html")


def test_the_page_says_why_a_classified_request_awaits_classification_again(store, tmp_path):
    reopened = store.add(Thread(kind="foi", title="Library hours", state="successful", awaiting_classification=True,
                                counterpart_id=store.ids["camden"], citizen_name="Jo Citizen",
                                citizen_email="jo@private.example", created_at=when(12), sent_at=when(12),
                                last_activity_at=when(1)))
    store.add(message(reopened, 48, "outgoing", "request", "Opening hours please."))
    store.add(message(reopened, 50, "incoming", "reply", "9 to 5."))
    store.add(message(reopened, 59, "incoming", "reply", "The 2024 hours were the same."))
    site = build(store, tmp_path)
    html = read(site, f"thread/{reopened.id}/index.html")
    why = re.search(r'<p class="state-why">(.*?)</p>', html, re.S)
    assert why, "no explanation of the state"
    text = " ".join(re.sub(r"<[^>]+>", " ", why.group(1)).split())
    assert "successful" in text and "new response" in text and "1 March 2026" in text, text
    # a first answer not yet classified says so too, in its own words
    first = read(site, f"thread/{store.ids['classify']}/index.html")
    assert "has not yet said whether" in re.search(r'<p class="state-why">(.*?)</p>', first, re.S).group(1)
    # a state that needs no explaining gets none
    assert 'class="state-why"' not in read(site, f"thread/{store.ids['fresh']}/index.html")


def test_an_about_page_linked_from_every_page(site, store):
    about = read(site, "about/index.html")
    assert "<h1>" in about
    assert "foi-camden@archive.test" in about  # how to ask, with a real address to copy
    assert "reply" in about.lower()
    # problem reports and alerts work by email now: the page says how, and nothing is "coming soon"
    how_to_report = about.index("Report a problem")
    assert "report@archive.test" in about[how_to_report:about.index("Follow requests")]
    assert "subscribe@archive.test" in about[about.index("Follow requests"):] and "thread 12" in about
    assert not re.search(r"(?i)coming soon", about)
    # the data credits, from the one list of them
    from templates.credits import CREDITS

    assert CREDITS
    shown = html.unescape(about)  # "mySociety's" is written &#39; in the page
    for credit in CREDITS:
        assert credit.what in shown and credit.source in shown
    for page in site.rglob("*.html"):
        relative = page.relative_to(site)
        root = "../" * (len(relative.parts) - 1)
        assert f'href="{root}about/index.html"' in page.read_text(encoding="utf-8"), relative


def test_the_about_page_calls_coming_exactly_the_addresses_still_kept_for_an_operator():
    """When alerts or problem reports start to work by themselves, the about page must stop calling them coming."""
    from processors.routing import SHARED_RULES, for_an_operator
    from store.addresses.routes import RouteName
    from web_archive.pages import HELD_FOR_OPERATOR, LINKED_ROUTES

    kept = {name for name, rule in SHARED_RULES.items() if rule is for_an_operator and name != RouteName.POSTMASTER}
    assert {route for route, _ in HELD_FOR_OPERATOR} == kept & set(LINKED_ROUTES)
