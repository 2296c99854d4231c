"""Subscribing by email over SMTP: subscribe@ → a confirmation naming what is followed in our words →
a reply confirms → `stop N` / `stop all` by reply; unconfirmed alerts expire after 7 days (movable clock)."""
from __future__ import annotations

from datetime import timedelta

from processors.periodic import expire_unconfirmed_alerts
from store.states import AlertState
from tests.alerts.conftest import READER, alerts_of, mail, send, subscribe_address
from tests.harness import make_request


def test_subscribe_confirm_and_stop_by_reply(following, relay):
    service = following
    thread = make_request(service, title="Verge cutting")
    body = (f"Hello,\n\nthread {thread.id}\nauthority borsetshire-council weekly\narea CB1 5RE instant\n"
            "search verge cutting\n\nThanks!\n-- \nPat\n")
    send(service, mail("follow please", body), READER, subscribe_address(service))
    alerts = alerts_of(service)
    assert [(a.target, a.value, a.frequency, a.state) for a in alerts] == [
        ("thread", str(thread.id), "daily", "pending"),
        ("authority", "borsetshire-council", "weekly", "pending"),
        ("area", "borchester-council", "instant", "pending"),
        ("search", "verge cutting", "daily", "pending")]
    [confirmation] = relay.to(READER)
    text = confirmation.text
    assert "thread: Verge cutting (daily)" in text and "authority: Borsetshire County Council" in text
    assert "area: Borchester City Council (borchester-council) (instant)" in text
    confirm_address = confirmation.message["Reply-To"]
    assert confirm_address.startswith(f"follow-{alerts[0].id}-")

    send(service, mail("Re: Please confirm", "yes", to=confirm_address), READER, confirm_address)
    assert {a.state for a in alerts_of(service)} == {AlertState.ACTIVE}
    assert all(a.confirmed_at is not None for a in alerts_of(service))

    reply_to = service.context.addresses.address("alerts", alerts[0].subscriber_id)
    send(service, mail("Re: your alerts", f"stop {alerts[1].id}", to=reply_to), READER, reply_to)
    assert [a.state for a in alerts_of(service)] == ["active", "stopped", "active", "active"]
    send(service, mail("stop all", "", to=reply_to), READER, reply_to)
    assert {a.state for a in alerts_of(service)} == {AlertState.STOPPED}


def test_unconfirmed_alerts_expire_after_seven_days(following, relay):
    service = following
    send(service, mail("follow authority borsetshire-council"), READER, subscribe_address(service))
    [alert] = alerts_of(service)
    [confirmation] = relay.to(READER)
    service.clock.advance(timedelta(days=6, hours=23))
    assert expire_unconfirmed_alerts(service.context) == 0
    service.clock.advance(timedelta(hours=2))
    assert expire_unconfirmed_alerts(service.context) == 1
    address = confirmation.message["Reply-To"]
    send(service, mail("Re: confirm", "yes", to=address), READER, address)  # too late: confirms nothing
    assert [a.state for a in alerts_of(service)] == [AlertState.EXPIRED]


def test_nothing_followable_gets_an_answer_saying_how(following, relay):
    service = following
    send(service, mail("follow authority no-such-body", "thread 999999"), READER, subscribe_address(service))
    assert alerts_of(service) == []
    [answer] = relay.to(READER)
    assert "no authority or council with that short name" in answer.text
    assert "no public request or report with that number" in answer.text
    assert "no-such-body" not in answer.text  # what the sender wrote is never repeated
