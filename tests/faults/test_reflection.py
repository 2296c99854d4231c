"""mailgate must never become a spam cannon. A mail to foi-SLUG@ with a forged From: made it send
that address a confirmation repeating the sender's subject and body, links included, signed by
the service's domain (an unknown slug got an answer too). Every mail to a stranger now goes
through processors/strangers.py: a short title with no links or addresses, no name, one per
address per hour, a daily cap per SMTP client, none when the verdict is fail or the mail is
automatic."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from processors.routing import Delivery, Outcome, rules
from processors.understanding import understand
from store.models import InboundMessage
from tests.harness import import_sample_authorities

# Every route that answers someone we know nothing of; a new service that does adds its own here.
STRANGER_ROUTES = {
    "foi_known_authority": "foi-ambridge-parish@foi.test",
    "foi_unknown_authority": "foi-no-such-council@foi.test",
    "problem_report": "report@foi.test",
    "letter_without_postcode": "write@foi.test",          # "which postcode are you writing from?"
    "letter_to_unknown_person": "write-no-such-mp@foi.test",
}
ROUTES = pytest.mark.parametrize("route", list(STRANGER_ROUTES))

SPAM_NAME = "Cheap Pills Shop"
SPAM_SUBJECT = "WIN $5000 at http://win.spam.example/claim or www.pills.example, write to sales@spam.example"
SPAM_BODY = ("Buy now!!! Click https://spam.example/buy?ref=1 and https://spam.example/more\r\n"
             "Unsubscribe: mailto:stop@spam.example   Call +44 20 7946 0018 today.\r\n")
SPAM_WORDS = ("Buy now", "Click", "spam.example", "pills.example", "sales@", "stop@", "://win", "://spam", "www.", "7946",
              "Unsubscribe", SPAM_NAME, "Cheap")


def forged(victim: str, address: str, subject: str = SPAM_SUBJECT, body: str = SPAM_BODY, **headers: str) -> bytes:
    extra = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    return (f"From: {SPAM_NAME} <{victim}>\r\nTo: {address}\r\nSubject: {subject}\r\n{extra}\r\n{body}").encode()


def send(service, victim: str, route: str, **kwargs) -> None:
    address = STRANGER_ROUTES[route]
    service.send(forged(victim, address, **kwargs), victim, [address])
    service.wait_idle()


@ROUTES
def test_a_forged_sender_gets_one_short_mail_that_repeats_nothing(service, relay, route):
    import_sample_authorities(service)
    send(service, "victim@victim.example", route)
    [mail] = relay.to("victim@victim.example")
    seen = mail.text + str(mail.message["Subject"])
    for word in SPAM_WORDS:
        assert word not in seen, word
    assert "WIN $5000" in seen  # the short title, without its links and addresses, is all that is repeated
    send(service, "victim@victim.example", route, subject="Second try", body="Another text.\r\n")
    assert len(relay.to("victim@victim.example")) == 1  # one per address per hour
    service.clock.advance(timedelta(minutes=61))
    send(service, "victim@victim.example", route, subject="An hour later", body="A third text.\r\n")
    assert len(relay.to("victim@victim.example")) == 2


@ROUTES
def test_one_client_causes_at_most_the_daily_cap(make_settings, relay, route):
    from tests.harness import LiveService

    service = LiveService(make_settings(relay=relay.address, stranger_mails_per_client_per_day=3)).start()
    try:
        import_sample_authorities(service)
        for n in range(5):
            send(service, f"victim{n}@victim.example", route, body=f"Text number {n}.\r\n")
        assert len(relay.caught) == 3  # all from 127.0.0.1
        service.clock.advance(timedelta(hours=25))
        send(service, "victim9@victim.example", route)
        assert len(relay.caught) == 4
    finally:
        service.stop()


@ROUTES
@pytest.mark.parametrize("headers", [{"Auto-Submitted": "auto-replied"}, {"Precedence": "bulk"},
                                     {"Subject": "Automatic reply: out of office"}])
def test_automatic_mail_gets_no_answer(service, relay, route, headers):
    import_sample_authorities(service)
    headers = dict(headers)  # the parameter is shared by every route's run
    subject = headers.pop("Subject", SPAM_SUBJECT)
    send(service, "victim@victim.example", route, subject=subject, **{k.replace("-", "_"): v
                                                                       for k, v in headers.items()})
    assert relay.caught == []


@ROUTES
def test_a_sender_whose_verdict_is_fail_gets_no_answer(service, route):
    import_sample_authorities(service)
    context = service.context
    address = STRANGER_ROUTES[route]
    raw = forged("victim@victim.example", address)
    with Session(context.engine) as session:
        # The seam: the verdict is judged elsewhere (processors/trust/); here it is set, as it is stored.
        inbound = InboundMessage(mail_from="victim@victim.example", rcpt_to=[address], peer="192.0.2.7", raw=raw,
                                 size=len(raw), sender_trust="fail")
        session.add(inbound)
        session.flush()
        delivery = Delivery(session, context, inbound, understand(raw, envelope_from=inbound.mail_from), Outcome())
        route_found = context.addresses.resolve(address)
        rules(context)[route_found.name](delivery, route_found)
        session.flush()
        assert session.info.get("outbox_to_send", []) == []
        assert any("fail" in note for note in delivery.outcome.notes)
        session.rollback()
