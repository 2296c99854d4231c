"""Bounces of digests switch alerts off, with real bounces (tests/data/bounces/, provenance in its
manifest.json) sent to the digest's VERP return path over SMTP: "no such user" at once, other
permanent failures the third time in 30 days, "mailbox full" and delays never; a new confirmed alert
starts the count afresh. Auto-replies to a digest are never answered."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from processors.alerts.digests import send_digests
from store.states import AlertState
from tests.alerts.conftest import COUNTY, READER, a_request, alerts_of, digests_to, follow, mail, reply, send

BOUNCES = Path(__file__).resolve().parent.parent / "data" / "bounces" / "flufl.bounce"
NO_SUCH_USER = "postfix_01.txt"   # 550 5.1.1 User unknown
REFUSED = "simple_30.txt"         # 5.3.0, permanent
MAILBOX_FULL = "simple_07.txt"    # "User's mailbox is full", reported as a permanent failure
DELAYED = "simple_03.txt"         # a delay warning: not final


def a_digest(service, relay, budget: int, text: str):
    reply(service, budget, COUNTY, text)
    service.clock.advance(timedelta(days=1))
    send_digests(service.context, "daily")
    service.wait_idle()
    return digests_to(relay)[-1]


def bounce(service, digest, name: str) -> None:
    raw = re.sub(rb"(?<!\r)\n", b"\r\n", (BOUNCES / name).read_bytes())
    service.send(raw, "", [digest.mail_from])
    service.wait_idle()


def states(service) -> set[str]:
    return {a.state for a in alerts_of(service)}


def test_no_such_user_switches_alerts_off_at_once(serving, relay):
    service = serving
    budget = a_request(service, "borsetshire-council", "Gritting budget")
    follow(service, relay, "authority borsetshire-council")
    digest = a_digest(service, relay, budget, "An answer.")
    assert digest.mail_from.startswith("bounce-")  # VERP: the bounce names this mail, so this subscriber
    for _ in range(3):  # three would disable, if they counted
        bounce(service, digest, DELAYED)
        bounce(service, digest, MAILBOX_FULL)
    assert states(service) == {AlertState.ACTIVE}
    bounce(service, digest, NO_SUCH_USER)
    assert states(service) == {AlertState.STOPPED}


def test_other_permanent_failures_switch_alerts_off_the_third_time_in_30_days(serving, relay):
    service = serving
    budget = a_request(service, "borsetshire-council", "Gritting budget")
    follow(service, relay, "authority borsetshire-council")
    for n in range(2):
        bounce(service, a_digest(service, relay, budget, f"Answer {n}."), REFUSED)
    assert states(service) == {AlertState.ACTIVE}
    service.clock.advance(timedelta(days=31))  # the first two no longer count
    bounce(service, a_digest(service, relay, budget, "Answer 2."), REFUSED)
    bounce(service, a_digest(service, relay, budget, "Answer 3."), REFUSED)
    assert states(service) == {AlertState.ACTIVE}
    bounce(service, a_digest(service, relay, budget, "Answer 4."), REFUSED)
    assert states(service) == {AlertState.STOPPED}
    # subscribing again, confirmed, re-enables: one more failure is the first of a new count
    service.clock.advance(timedelta(hours=2))  # past the hourly limit on mail to an unproven address
    send(service, mail("follow authority borsetshire-council"), READER, f"subscribe@{service.settings.domain}")
    address = relay.to(READER)[-1].message["Reply-To"]
    send(service, mail("Re: confirm", "yes", to=address), READER, address)
    assert AlertState.ACTIVE in states(service)
    bounce(service, a_digest(service, relay, budget, "Answer 5."), REFUSED)
    assert AlertState.ACTIVE in states(service)


def test_an_auto_reply_to_a_digest_is_ignored(serving, relay):
    service = serving
    budget = a_request(service, "borsetshire-council", "Gritting budget")
    follow(service, relay, "authority borsetshire-council")
    digest = a_digest(service, relay, budget, "An answer.")
    before = len(relay.caught)
    address = digest.message["Reply-To"]
    send(service, mail("Out of office: your alert", "I am away until Monday. stop all", to=address,
                       headers={"Auto-Submitted": "auto-replied"}), READER, address)
    assert states(service) == {AlertState.ACTIVE} and len(relay.caught) == before


def test_digests_delivered_between_failures_do_not_reset_the_count(serving, relay):
    """Three permanent failures within 30 days stop the alerts even when digests in between arrived."""
    service = serving
    budget = a_request(service, "borsetshire-council", "Gritting budget")
    follow(service, relay, "authority borsetshire-council")
    bounce(service, a_digest(service, relay, budget, "Answer 0."), REFUSED)
    a_digest(service, relay, budget, "Answer 1.")  # delivered: no bounce comes back
    bounce(service, a_digest(service, relay, budget, "Answer 2."), REFUSED)
    service.clock.advance(timedelta(days=10))
    a_digest(service, relay, budget, "Answer 3.")
    assert states(service) == {AlertState.ACTIVE}
    bounce(service, a_digest(service, relay, budget, "Answer 4."), REFUSED)
    assert states(service) == {AlertState.STOPPED}
