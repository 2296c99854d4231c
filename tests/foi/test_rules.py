"""The FOI rules around the conversation: who may act for the citizen, loops, deadlines, ageing, the pen."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from processors.foi.reminders import send_reminders
from processors.holding_pen import HoldingPenError, assign, reject
from processors.periodic import age_threads
from store.foi_states import add_working_days, display_state
from store.models import Counterpart, HeldMessage, Thread, ThreadCounterpart, ThreadMessage
from store.states import WhoMayPost
from tests.conftest import DATA
from tests.harness import fill_template, import_sample_authorities, make_request

CITIZEN = "sam@citizen.example"


def make_thread(service, **changes) -> Thread:
    return make_request(service, email=CITIZEN, body="How often are verges cut?", **changes)


def citizen_mail(service, thread_id: int, body: str, sender: str = CITIZEN, **headers: str) -> None:
    address = service.context.addresses.citizen_facing(thread_id)
    extra = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    raw = (f"From: Sam <{sender}>\r\nTo: {address}\r\nSubject: Re: your request\r\n"
           f"Message-ID: <{abs(hash(body))}@citizen.example>\r\n{extra}\r\n{body}\r\n").encode()
    service.send(raw, sender, [address])
    service.wait_idle()


def messages(service, thread_id: int) -> list[ThreadMessage]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread_id)
                                 .order_by(ThreadMessage.id)))


def held(service) -> list[HeldMessage]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(HeldMessage).order_by(HeldMessage.id)))


def test_a_follow_up_from_someone_else_is_held_not_sent(service, relay):
    thread = make_thread(service)
    before = len(relay.to("clerk@ambridge-parish.example"))
    citizen_mail(service, thread.id, "Please send it to me instead.", sender="mallory@evil.example")
    assert len(relay.to("clerk@ambridge-parish.example")) == before
    [pen] = held(service)
    assert "not from the requester" in pen.reason and pen.suggestions[0]["thread_id"] == thread.id


def test_a_follow_up_that_failed_dkim_upstream_is_held(service, relay):
    thread = make_thread(service)
    before = len(relay.to("clerk@ambridge-parish.example"))
    citizen_mail(service, thread.id, "Forged follow-up", Authentication_Results=
                 "mx.foi.test; dkim=fail header.d=citizen.example; spf=pass smtp.mailfrom=citizen.example")
    assert len(relay.to("clerk@ambridge-parish.example")) == before
    assert "dkim=fail" in held(service)[0].reason


def test_the_citizens_out_of_office_is_never_forwarded_to_the_authority(service, relay):
    thread = make_thread(service)
    before = len(relay.to("clerk@ambridge-parish.example"))
    citizen_mail(service, thread.id, "I am away until Monday.", Auto_Submitted="auto-replied")
    assert len(relay.to("clerk@ambridge-parish.example")) == before
    last = messages(service, thread.id)[-1]
    assert last.kind == "auto_reply" and last.hidden


@pytest.mark.parametrize("headers", [{"Auto-Submitted": "auto-replied"}, {"Precedence": "bulk"},
                                     {"List-Id": "<news.example.org>"}])
def test_automatic_mail_to_a_service_address_is_never_answered(service, relay, headers):
    import_sample_authorities(service)
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    raw = (f"From: robot@example.org\r\nTo: foi-ambridge-parish@foi.test\r\nSubject: Hello\r\n{extra}\r\n"
           "Automatic text.\r\n").encode()
    service.send(raw, "robot@example.org", ["foi-ambridge-parish@foi.test"])
    service.wait_idle()
    assert relay.caught == []


def test_mail_with_an_empty_return_path_is_never_answered(service, relay):
    import_sample_authorities(service)
    service.send(b"From: someone@example.org\r\nSubject: Hi\r\n\r\nHello\r\n", "", ["foi-ambridge-parish@foi.test"])
    service.wait_idle()
    assert relay.caught == []


def test_confirmation_from_another_address_does_not_send_the_request(service, relay):
    import_sample_authorities(service)
    raw = fill_template(DATA / "foi" / "01_citizen_new_request_thunderbird.eml", DOMAIN="foi.test").replace(
        b"foi-borsetshire-council@", b"foi-ambridge-parish@")
    service.send(raw, "jo@citizen.example", ["foi-ambridge-parish@foi.test"])
    service.wait_idle()
    confirm = relay.to("jo@citizen.example")[-1].message["Reply-To"]
    service.send(b"From: mallory@evil.example\r\nSubject: Re\r\n\r\nyes\r\n", "mallory@evil.example", [confirm])
    service.wait_idle()
    assert relay.to("clerk@ambridge-parish.example") == []
    with Session(service.context.engine) as session:
        assert session.exec(select(Thread)).one().state == "awaiting_confirmation"


def test_deadlines_count_working_days_and_skip_public_holidays():
    # Sent Friday 18 Dec 2026: Christmas (25th), Boxing Day in lieu (28th) and New Year's Day are not working days.
    assert add_working_days(date(2026, 12, 18), 20, "GB") == date(2027, 1, 20)
    sent = date(2026, 12, 18)
    assert display_state("foi", "waiting_response", False, sent, date(2027, 1, 20)) == "waiting_response"
    assert display_state("foi", "waiting_response", False, sent, date(2027, 1, 21)) == "overdue"
    assert display_state("foi", "waiting_response", False, sent, date(2027, 2, 18)) == "very_overdue"
    assert display_state("foi", "waiting_response", True, sent, date(2027, 2, 18)) == "awaiting_classification"
    assert display_state("foi", "successful", False, sent, date(2027, 2, 18)) == "successful"


def test_overdue_requests_remind_the_citizen_once_with_the_internal_review_option(service, relay):
    thread = make_thread(service)
    assert send_reminders(service.context) == 0  # not yet due
    service.clock.advance(timedelta(days=35))
    assert send_reminders(service.context) == 1
    assert send_reminders(service.context) == 0  # once only
    service.wait_idle()
    [reminder] = [m for m in relay.to(CITIZEN) if "late" in m.message["Subject"]]
    assert "status: internal_review" in reminder.text
    assert reminder.message["From"].addresses[0].addr_spec == service.context.addresses.citizen_facing(thread.id)
    assert reminder.message["Auto-Submitted"] == "auto-generated"


def test_unclassified_responses_get_a_reminder(service, relay):
    make_thread(service, awaiting_classification=True)
    service.clock.advance(timedelta(days=2))
    assert send_reminders(service.context) == 0
    service.clock.advance(timedelta(days=2))
    assert send_reminders(service.context) == 1
    service.wait_idle()
    assert any("What did you get?" in m.message["Subject"] for m in relay.to(CITIZEN))


def test_quiet_threads_narrow_then_close(service):
    quiet = make_thread(service)
    service.clock.advance(timedelta(days=180))
    assert age_threads(service.context) == 0
    service.clock.advance(timedelta(days=20))
    assert age_threads(service.context) == 1
    with Session(service.context.engine) as session:
        assert session.get(Thread, quiet.id).who_may_post == WhoMayPost.AUTHORITY_ONLY
    service.clock.advance(timedelta(days=600))
    age_threads(service.context)
    with Session(service.context.engine) as session:
        assert session.get(Thread, quiet.id).who_may_post == WhoMayPost.NOBODY


def test_authority_only_threads_refuse_other_senders_at_rcpt(service):
    import smtplib

    thread = make_thread(service, who_may_post=WhoMayPost.AUTHORITY_ONLY)
    address = service.context.addresses.authority_facing(thread.id)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        service.send(b"Subject: spam\r\n\r\nspam\r\n", "spammer@spam.example", [address])
    assert b"only accepts replies from the mail domain of the authority" in refused.value.recipients[address][1]
    assert service.send(b"Subject: late\r\n\r\nLate answer.\r\n", "clerk@ambridge-parish.example", [address]) == {}


def test_a_thread_that_went_to_two_bodies_takes_replies_from_either(service):
    import smtplib

    thread = make_thread(service, who_may_post=WhoMayPost.AUTHORITY_ONLY)
    with Session(service.context.engine) as session:
        county = Counterpart(slug="borsetshire-county", name="Borsetshire County Council",
                             email="highways@borsetshire-county.example")
        session.add(county)
        session.flush()
        session.add(ThreadCounterpart(thread_id=thread.id, counterpart_id=county.id))
        session.commit()
    address = service.context.addresses.authority_facing(thread.id)
    assert service.send(b"Subject: Re\r\n\r\nThe county answers.\r\n", "roads@mail.borsetshire-county.example",
                        [address]) == {}
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        service.send(b"Subject: spam\r\n\r\nspam\r\n", "spammer@spam.example", [address])
    service.wait_idle()
    assert "The county answers." in messages(service, thread.id)[-1].public_body  # processing agrees with RCPT


def test_an_operator_assigns_or_rejects_held_mail(service, relay):
    thread = make_thread(service)
    service.send(b"From: clerk@ambridge-parish.example\r\nSubject: Verge cutting\r\n\r\nTwice a year.\r\n",
                 "clerk@ambridge-parish.example", ["foi@foi.test"])
    service.send(b"From: x@example.org\r\nSubject: Unrelated\r\n\r\nNothing.\r\n", "x@example.org", ["foi@foi.test"])
    service.wait_idle()
    first, second = sorted(held(service), key=lambda h: h.inbound_id)  # workers may finish in either order
    assert first.suggestions and first.suggestions[0]["thread_id"] == thread.id
    with Session(service.context.engine, expire_on_commit=False) as session:
        assign(session, service.context, first.id, thread.id)
        reject(session, service.context, second.id)
        session.commit()
        with pytest.raises(HoldingPenError, match="no held message"):
            reject(session, service.context, second.id)
    assert "Twice a year." in messages(service, thread.id)[-1].public_body
    assert [h.state for h in sorted(held(service), key=lambda h: h.inbound_id)] == ["assigned", "rejected"]


def test_a_reply_to_the_general_address_is_routed_by_its_references(service, relay):
    thread = make_thread(service)
    [request] = relay.to("clerk@ambridge-parish.example")
    raw = (f"From: Clerk <clerk@ambridge-parish.example>\r\nTo: foi@foi.test\r\nSubject: Re: something else\r\n"
           f"In-Reply-To: {request.message['Message-ID']}\r\nReferences: {request.message['Message-ID']}\r\n"
           "Message-ID: <by-reference@ambridge-parish.example>\r\n\r\nTwice a year, in May and September.\r\n").encode()
    service.send(raw, "clerk@ambridge-parish.example", ["foi@foi.test"])
    service.wait_idle()
    assert "in May and September" in messages(service, thread.id)[-1].public_body
    assert held(service) == []


def test_the_requester_writing_to_the_general_address_is_held_not_published(service, relay):
    thread = make_thread(service)
    [sent_notice] = relay.to(CITIZEN)
    raw = (f"From: Sam <{CITIZEN}>\r\nTo: foi@foi.test\r\nSubject: Re: sent\r\n"
           f"In-Reply-To: {sent_notice.message['Message-ID']}\r\n\r\nMy home address is 1 Acacia Avenue.\r\n").encode()
    service.send(raw, CITIZEN, ["foi@foi.test"])
    service.wait_idle()
    assert "Acacia" not in " ".join(m.public_body for m in messages(service, thread.id))
    assert "requester" in held(service)[0].reason


def test_a_resent_reply_is_stored_but_shown_and_notified_once(service, relay):
    thread = make_thread(service)
    address = service.context.addresses.authority_facing(thread.id)
    raw = (f"From: Clerk <clerk@ambridge-parish.example>\r\nTo: {address}\r\nSubject: Re: Verges\r\n"
           "Message-ID: <once@ambridge-parish.example>\r\n\r\nTwice a year.\r\n").encode()
    for _ in range(2):  # the clerk's server never saw our first 250 and sent it again
        service.send(raw, "clerk@ambridge-parish.example", [address])
    service.wait_idle()
    assert [m.kind for m in messages(service, thread.id)] == ["request", "reply"]
    assert len([m for m in relay.to(CITIZEN) if "New response" in m.message["Subject"]]) == 1


def test_a_resent_follow_up_goes_to_the_authority_once(service, relay):
    thread = make_thread(service)
    before = len(relay.to("clerk@ambridge-parish.example"))
    for _ in range(2):
        citizen_mail(service, thread.id, "Could you also send the 2024 schedule?")
    assert len(relay.to("clerk@ambridge-parish.example")) == before + 1
    assert [m.kind for m in messages(service, thread.id)].count("follow_up") == 1
