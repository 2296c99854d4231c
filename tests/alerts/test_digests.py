"""Digests end to end over SMTP and HTTP (movable clock): subscribe → confirm by reply → activity on a
followed thread and authority → one digest with exactly the new, public items → a second run sends
nothing → unsubscribe by the List-Unsubscribe mailto, and by the one-click POST to serve's listener."""
from __future__ import annotations

import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from sqlmodel import Session

from processors.alerts.digests import send_digests
from processors.periodic import run_periodic_jobs
from store.models import ThreadMessage
from store.states import AlertState
from tests.alerts.conftest import (
    CLERK,
    COUNTY,
    MONDAY_6_AM,
    READER,
    a_request,
    alerts_of,
    digests_to,
    follow,
    mail,
    reply,
    send,
)


def test_one_digest_with_exactly_the_new_public_items_then_unsubscribe(serving, relay):
    service = serving
    verges = a_request(service, "ambridge-parish", "Verge cutting")
    budget = a_request(service, "borsetshire-council", "Gritting budget")
    reply(service, verges, CLERK, "Before anyone followed.")  # older than the alert: never in a digest
    follow(service, relay, f"thread {verges}\nauthority borsetshire-council")
    service.clock.advance(timedelta(minutes=1))
    first = reply(service, verges, CLERK, "We cut the verges twice a year.")
    second = reply(service, budget, COUNTY, "The gritting budget is attached.")
    hidden = reply(service, budget, COUNTY, "A message an operator hides before the digest goes.")
    with Session(service.context.engine) as session:
        session.get(ThreadMessage, hidden).hidden = True
        session.commit()

    run = send_digests(service.context, "daily")
    service.wait_idle()
    assert (run.subscribers, len(run.sent), run.nothing_new) == (1, 1, 0)
    [digest] = digests_to(relay)
    text = digest.text
    assert f"https://foi.test/thread/{verges}/#m{first}" in text
    assert f"https://foi.test/thread/{budget}/#m{second}" in text
    assert f"#m{hidden}" not in text and "Before anyone followed" not in text
    assert "2 new items" in digest.message["Subject"]
    headers = digest.message
    assert headers["Precedence"] == "bulk" and headers["Auto-Submitted"] == "auto-generated"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = [part.strip(" <>") for part in str(headers["List-Unsubscribe"]).split(",")]
    assert https.startswith("https://foi.test/unsubscribe?s=") and mailto.startswith("mailto:unsubscribe-")
    assert headers["List-Id"] == "mailgate alerts <alerts.foi.test>"
    assert digest.message.get_content_type() == "text/plain"

    # the same period again, and the next day with nothing new: nothing is sent
    assert send_digests(service.context, "daily").already == 1
    service.clock.advance(timedelta(days=1))
    assert send_digests(service.context, "daily").nothing_new == 1
    service.wait_idle()
    assert len(digests_to(relay)) == 1

    # the next day's digest names only what is new since
    third = reply(service, verges, CLERK, "And a third reply.")
    service.clock.advance(timedelta(days=1))
    send_digests(service.context, "daily")
    service.wait_idle()
    latest = digests_to(relay)[-1].text
    assert f"#m{third}" in latest and f"#m{first}" not in latest and f"#m{second}" not in latest

    # the List-Unsubscribe mailto: any mail to it stops every alert
    address = mailto.removeprefix("mailto:").split("?")[0]
    send(service, mail("unsubscribe", to=address), READER, address)
    assert {a.state for a in alerts_of(service)} == {AlertState.STOPPED}

    # one-click over real HTTP, for another reader: a GET (a link scanner) changes nothing, a POST stops all
    other = "lee@reader.example"
    follow(service, relay, "authority borsetshire-council", reader=other)
    service.clock.advance(timedelta(minutes=1))
    reply(service, budget, COUNTY, "Another answer.")
    service.clock.advance(timedelta(days=1))
    send_digests(service.context, "daily")
    service.wait_idle()
    [theirs] = digests_to(relay, other)
    url = str(theirs.message["List-Unsubscribe"]).split(",")[0].strip(" <>")
    local = url.replace("https://foi.test/", service.service.archive_url)
    page = urllib.request.urlopen(local, timeout=10).read().decode()
    assert 'method="post"' in page and {a.state for a in alerts_of(service, other)} == {AlertState.ACTIVE}
    for _ in range(2):  # idempotent
        posted = urllib.request.urlopen(urllib.request.Request(local, data=b"List-Unsubscribe=One-Click",
                                                               method="POST"), timeout=10)
        assert posted.status == 200 and "unsubscribed" in posted.read().decode()
    assert {a.state for a in alerts_of(service, other)} == {AlertState.STOPPED}
    with pytest.raises(urllib.error.HTTPError) as refused:  # a forged token stops nothing
        urllib.request.urlopen(urllib.request.Request(local[:-3] + "aaa", data=b"", method="POST"), timeout=10)
    assert refused.value.code == 404


def test_an_interrupted_run_resumes_without_sending_anyone_the_same_digest_twice(serving, relay):
    service = serving
    budget = a_request(service, "borsetshire-council", "Gritting budget")
    readers = ["a@reader.example", "b@reader.example", "c@reader.example"]
    for reader in readers:
        follow(service, relay, "authority borsetshire-council", reader=reader)
    service.clock.advance(timedelta(minutes=1))
    reply(service, budget, COUNTY, "The answer.")

    def dies_after_one(ids):
        yield ids[0]
        raise KeyboardInterrupt  # the operator's ^C, half-way

    with pytest.raises(KeyboardInterrupt):
        send_digests(service.context, "daily", progress=dies_after_one)
    resumed = send_digests(service.context, "daily")
    service.wait_idle()
    assert (resumed.already, len(resumed.sent)) == (1, 2)
    assert [len(digests_to(relay, reader)) for reader in readers] == [1, 1, 1]


def test_serve_sends_daily_digests_from_seven_and_weekly_ones_on_mondays(serving, relay):
    service = serving
    budget = a_request(service, "borsetshire-council", "Gritting budget")
    verges = a_request(service, "ambridge-parish", "Verge cutting")
    follow(service, relay, f"authority borsetshire-council\nthread {verges} weekly")
    service.clock.set(MONDAY_6_AM + timedelta(minutes=58))
    reply(service, budget, COUNTY, "The gritting answer.")
    reply(service, verges, CLERK, "The verges answer.")
    run_periodic_jobs(service.context)  # 06:58: nothing is due
    service.wait_idle()
    assert digests_to(relay) == []
    service.clock.set(MONDAY_6_AM + timedelta(hours=1, minutes=1))
    run_periodic_jobs(service.context)
    run_periodic_jobs(service.context)  # the next tick of the timer: the same periods, nothing more
    service.wait_idle()
    daily, weekly = sorted(digests_to(relay), key=lambda m: "weekly" in str(m.message["Subject"]))
    assert "daily" in str(daily.message["Subject"]) and "weekly" in str(weekly.message["Subject"])
    assert "Gritting budget" in daily.text and "Verge cutting" not in daily.text
    assert "Verge cutting" in weekly.text and "Gritting budget" not in weekly.text
    # Tuesday 07:01: a daily digest is due again, but there is nothing new; no weekly one on a Tuesday
    service.clock.set(MONDAY_6_AM + timedelta(days=1, hours=1, minutes=1))
    reply(service, verges, CLERK, "More on verges.")
    run_periodic_jobs(service.context)
    service.wait_idle()
    assert len(digests_to(relay)) == 2
