"""Threads follow the order in which mail arrived, never the sender's clock.

Authorities' clocks are wrong, time zones go missing and forwarded mail keeps its
old date. A reply whose `Date:` is a year behind or ahead, or missing, must still
be threaded, listed, fed and counted by when it reached us; the sender's date is
kept for display only.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from mailgate.runtime.configs import archive_config
from tests.conftest import DATA
from tests.harness import fill_template, make_request, set_date
from web_archive.build import build_site

FOI = DATA / "foi"
CITIZEN = "jo@citizen.example"
YEAR = timedelta(days=365)


def now() -> datetime:
    return datetime.now(timezone.utc)


def start(service, relay):
    """A request sent to Ambridge Parish; returns (request address, request Message-ID, citizen-facing address)."""
    make_request(service, name="Jo Blöggs", email=CITIZEN)
    [request] = [m for m in relay.caught if m.message["From"].addresses[0].addr_spec.startswith("request-")]
    [sent_notice] = [m for m in relay.to(CITIZEN) if "has been sent" in m.message["Subject"]]
    return (request.message["From"].addresses[0].addr_spec, request.message["Message-ID"],
            sent_notice.message["From"].addresses[0].addr_spec)


def authority_reply(service, fixture: str, to: str, in_reply_to: str, date: datetime | None) -> str:
    """The authority answers; returns the Message-ID of its reply."""
    raw = set_date(fill_template(FOI / fixture, TO=to, IN_REPLY_TO=in_reply_to), date)
    service.send(raw, "records@ambridge.example", [to])
    service.wait_idle()
    return re.search(rb"^Message-ID: *(<[^>]+>)", raw, re.M | re.I).group(1).decode()


def follow_up(service, relay, citizen_address: str):
    """The citizen follows up by replying; returns the mail that reaches the authority."""
    raw = set_date(fill_template(FOI / "04_citizen_follow_up_gmail.eml", TO=citizen_address, IN_REPLY_TO="<x@y>"),
                   now())
    before = len(relay.caught)
    service.send(raw, CITIZEN, [citizen_address])
    service.wait_idle()
    [forwarded] = [m for m in relay.caught[before:] if "hours for 2024" in m.text]
    return forwarded


def published(service, tmp_path, thread_id: int) -> tuple[dict, str]:
    """The thread's JSON and its authority's page, as the archive publishes them."""
    site = tmp_path / "site"
    build_site(archive_config(service.settings), site, search=False, progress=False)
    data = json.loads((site / f"thread/{thread_id}/thread.json").read_text())
    return data, (site / "authority/ambridge-parish/index.html").read_text()


def thread_id_of(address: str) -> int:
    return int(address.split("-")[1])


def assert_arrival_order(data: dict) -> None:
    dates = [m["date"] for m in data["messages"]]
    assert dates == sorted(dates)
    assert [m["id"] for m in data["messages"]] == sorted(m["id"] for m in data["messages"])



def test_an_authority_clock_a_year_behind(service, relay, tmp_path):
    request_address, request_id, citizen_address = start(service, relay)
    reply_id = authority_reply(service, "03_authority_reply_outlook.eml", request_address, request_id, now() - YEAR)

    forwarded = follow_up(service, relay, citizen_address)
    assert forwarded.message["In-Reply-To"].strip() == reply_id  # the follow-up answers the reply, not the request

    data, authority_page = published(service, tmp_path, thread_id_of(request_address))
    assert [m["kind"] for m in data["messages"]] == ["request", "reply", "follow_up"]
    assert_arrival_order(data)
    reply = data["messages"][1]
    assert reply["sender_date"][:4] == str((now() - YEAR).year) and reply["date"][:10] == now().date().isoformat()
    assert "Median days to first reply</dt><dd>0</dd>" in authority_page



def test_an_authority_clock_a_year_ahead(service, relay, tmp_path):
    request_address, request_id, citizen_address = start(service, relay)
    authority_reply(service, "03_authority_reply_outlook.eml", request_address, request_id, now() + YEAR)
    second_id = authority_reply(service, "06_authority_typo_lotus.eml", request_address, request_id, now())

    forwarded = follow_up(service, relay, citizen_address)
    assert forwarded.message["In-Reply-To"].strip() == second_id  # the newest arrival, not the future-dated one

    data, authority_page = published(service, tmp_path, thread_id_of(request_address))
    assert [m["kind"] for m in data["messages"]] == ["request", "reply", "reply", "follow_up"]
    assert_arrival_order(data)
    assert "Median days to first reply</dt><dd>0</dd>" in authority_page



def test_a_reply_with_no_date(service, relay, tmp_path):
    request_address, request_id, citizen_address = start(service, relay)
    reply_id = authority_reply(service, "03_authority_reply_outlook.eml", request_address, request_id, None)

    forwarded = follow_up(service, relay, citizen_address)
    assert forwarded.message["In-Reply-To"].strip() == reply_id

    data, _ = published(service, tmp_path, thread_id_of(request_address))
    assert_arrival_order(data)
    reply = data["messages"][1]
    assert reply["sender_date"] is None and reply["date"][:10] == now().date().isoformat()
