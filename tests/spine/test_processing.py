"""After the 250: actors that may run twice, a sweeper that finishes what a crash left, and mail that goes out once."""
from __future__ import annotations

import time

import sqlalchemy as sa
from sqlmodel import Session, select

from processors.delivery import deliver_outbound
from processors.inbound import process_inbound, retry
from processors.mail_out import MailSpec, queue_mail
from store.models import InboundMessage, Outbox, Thread, ThreadMessage
from store.states import InboundState, OutboxState
from tests.conftest import DATA
from tests.harness import fill_template, make_request

AUTHORITY = "clerk@ambridge-parish.example"


def make_thread(service) -> int:
    return make_request(service).id


def outbox_rows(service) -> list[Outbox]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).all())


def reply_to(service, thread_id: int, marker: str) -> int:
    address = service.context.addresses.authority_facing(thread_id)
    raw = fill_template(DATA / "foi" / "06_authority_typo_lotus.eml", TO=address).replace(
        b"by post", marker.encode())
    with service.smtp() as client:
        client.ehlo()
        client.mail(AUTHORITY)
        client.rcpt(address)
        _, text = client.data(raw)
    return int(text.rsplit(b" ", 1)[1])


def set_state(service, inbound_id: int, state: str) -> None:
    with service.context.engine.begin() as connection:
        connection.execute(sa.update(InboundMessage).where(InboundMessage.id == inbound_id).values(state=state))


def inbound(service, inbound_id: int) -> InboundMessage:
    with Session(service.context.engine) as session:
        return session.get(InboundMessage, inbound_id)


def test_processing_the_same_message_twice_adds_it_once(service, relay):
    thread_id = make_thread(service)
    inbound_id = reply_to(service, thread_id, "marker-twice")
    service.wait_idle()
    set_state(service, inbound_id, InboundState.RECEIVED)  # as if the broker delivered it again
    assert process_inbound(service.context, inbound_id) == InboundState.DONE
    assert process_inbound(service.context, inbound_id) == "skipped"  # already done: not touched
    with Session(service.context.engine) as session:
        messages = session.exec(select(ThreadMessage).where(ThreadMessage.inbound_id == inbound_id)).all()
    assert len(messages) == 1
    service.wait_idle()
    assert len([m for m in relay.to("sam@citizen.example") if "New response" in m.message["Subject"]]) == 1


def test_an_outbox_row_is_sent_once_however_often_it_is_delivered(service, relay):
    make_thread(service)
    before = len(relay.caught)
    with Session(service.context.engine, expire_on_commit=False) as session:
        row = queue_mail(session, service.context, MailSpec(
            dedupe_key="test:once", kind="foi_unclassified", to="sam@citizen.example", from_address="foi@foi.test",
            from_name="mailgate", values={"thread": session.get(Thread, 1), "authority": None, "url": "u"}))
        again = queue_mail(session, service.context, MailSpec(
            dedupe_key="test:once", kind="foi_unclassified", to="sam@citizen.example", from_address="foi@foi.test",
            from_name="mailgate", values={"thread": session.get(Thread, 1), "authority": None, "url": "u"}))
        session.commit()
    assert again.id == row.id
    assert deliver_outbound(service.context, row.id) == OutboxState.SENT
    assert deliver_outbound(service.context, row.id) == "skipped"
    assert len(relay.caught) == before + 1


def test_a_message_that_keeps_failing_is_set_aside_and_can_be_replayed(service):
    thread_id = make_thread(service)
    with service.context.engine.begin() as connection:  # a real fault: the table processing writes to is gone
        connection.execute(sa.text("ALTER TABLE thread_message RENAME TO thread_message_away"))
    inbound_id = reply_to(service, thread_id, "marker-poison")
    deadline = time.monotonic() + 30
    while inbound(service, inbound_id).state != InboundState.FAILED and time.monotonic() < deadline:
        process_inbound(service.context, inbound_id)  # the service's workers may be trying too: fine
    row = inbound(service, inbound_id)
    assert row.state == InboundState.FAILED and "thread_message" in row.last_error
    assert row.attempts >= service.settings.max_attempts
    with service.context.engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE thread_message_away RENAME TO thread_message"))
    assert retry(service.context, inbound_id)
    service.wait_idle()
    assert inbound(service, inbound_id).state == InboundState.DONE


def test_the_sweeper_finishes_what_a_crash_left(service):
    thread_id = make_thread(service)
    raw = fill_template(DATA / "foi" / "06_authority_typo_lotus.eml", TO=service.context.addresses.authority_facing(thread_id))
    with Session(service.context.engine) as session:  # stored, then the process died before enqueueing
        session.add(InboundMessage(mail_from=AUTHORITY, rcpt_to=[service.context.addresses.authority_facing(thread_id)],
                                   raw=raw, size=len(raw)))
        session.commit()
    result = service.sweep()
    assert result.inbound == 1
    service.wait_idle()
    with Session(service.context.engine) as session:
        assert session.exec(select(InboundMessage)).one().state == InboundState.DONE


def test_temporary_relay_failure_is_retried_later_and_permanent_failure_is_final(service, relay):
    thread_id = make_thread(service)
    relay.refuse["busy@example.org"] = "451 4.7.1 try again later"
    relay.refuse["gone@example.org"] = "550 5.1.1 no such user"
    ids = []
    with Session(service.context.engine, expire_on_commit=False) as session:
        for to in ("busy@example.org", "gone@example.org"):
            ids.append(queue_mail(session, service.context, MailSpec(
                dedupe_key=f"test:{to}", kind="foi_unclassified", to=to, from_address="foi@foi.test",
                from_name="mailgate", values={"thread": session.get(Thread, thread_id), "authority": None,
                                              "url": "u"})).id)
        session.commit()
    assert deliver_outbound(service.context, ids[0]) == OutboxState.PENDING
    assert deliver_outbound(service.context, ids[1]) == OutboxState.FAILED
    busy, gone = [r for r in outbox_rows(service) if r.id in ids]
    assert busy.attempts == 1 and "451" in busy.last_error and busy.next_attempt_at > busy.created_at
    assert "550" in gone.last_error
    assert deliver_outbound(service.context, ids[0]) == "skipped"  # not due yet


def test_a_bounce_at_the_verp_address_fails_the_row_and_tells_the_citizen(service, relay):
    thread_id = make_thread(service)
    request = next(r for r in outbox_rows(service) if r.kind == "foi_request")
    bounce = fill_template(DATA / "spine" / "postfix_bounce.eml", VERP=request.envelope_from,
                           MESSAGE_ID=request.message_id_header)
    service.send(bounce, "", [request.envelope_from])
    service.wait_idle()
    assert next(r for r in outbox_rows(service) if r.id == request.id).state == OutboxState.FAILED
    [told] = [m for m in relay.to("sam@citizen.example") if "could not be delivered" in m.message["Subject"]]
    assert "refused it" in told.text
    with Session(service.context.engine) as session:
        thread = session.get(Thread, thread_id)
        kinds = [m.kind for m in session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread_id)
                                              .order_by(ThreadMessage.id))]
    assert thread.state == "error_message" and kinds[-1] == "bounce"


def test_mail_that_reaches_a_thread_closed_in_flight_is_held_not_published(service):
    thread_id = make_thread(service)
    address = service.context.addresses.authority_facing(thread_id)
    raw = fill_template(DATA / "foi" / "06_authority_typo_lotus.eml", TO=address)
    with Session(service.context.engine) as session:
        thread = session.get(Thread, thread_id)
        thread.who_may_post = "nobody"
        session.add(thread)
        # accepted a moment before the thread closed, processed after
        session.add(InboundMessage(mail_from=AUTHORITY, rcpt_to=[address], raw=raw, size=len(raw)))
        session.commit()
    service.sweep()
    service.wait_idle()
    with Session(service.context.engine) as session:
        assert session.exec(select(InboundMessage)).one().state == InboundState.HELD
        kinds = [m.kind for m in session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread_id)
                                              .order_by(ThreadMessage.id))]
    assert kinds == ["request"]


def test_outbound_mail_is_dkim_signed_when_a_key_is_configured(make_settings, relay, tmp_path):
    import subprocess

    import dkim

    from mailgate.runtime.embedded import BackgroundService

    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True,
                            capture_output=True).stdout
    live = BackgroundService(make_settings(relay=relay.address, dkim_key=str(key), dkim_selector="s2026")).start()
    try:
        make_request(live)
    finally:
        live.stop()
    [request] = relay.to("clerk@ambridge-parish.example")
    assert request.raw.startswith(b"DKIM-Signature: ")
    record = b"v=DKIM1; k=rsa; p=" + __import__("base64").b64encode(public)

    def dns(name, timeout=5):
        assert name == b"s2026._domainkey.foi.test."
        return record
    assert dkim.verify(request.raw, dnsfunc=dns)
    assert not dkim.verify(request.raw.replace(b"How often?", b"How often!"), dnsfunc=dns)  # tampering shows
