"""Bad bytes from strangers are stored and processed, and never fail anybody else's mail.

On PostgreSQL a NUL in the envelope sender got 451 forever, and the other senders'
messages committed in the same batch got 451 with it; a NUL in a Subject or a From
name set the reply aside as failed. (SQLite stores NUL in text, so these run on
PostgreSQL, where they bit.)
"""
from __future__ import annotations

import smtplib
import threading

import pytest
from sqlmodel import Session, select

from store.models import InboundMessage, ThreadMessage
from store.states import InboundState
from tests.harness import LiveService, make_request

pytestmark = pytest.mark.postgres_redis


@pytest.fixture
def on_postgresql(make_settings, postgres_url, redis_url, broker_namespace, relay):
    live = LiveService(make_settings(relay=relay.address, database_url=postgres_url, broker_url=redis_url,
                                     broker_namespace=broker_namespace)).start()
    yield live
    live.stop()


def test_a_nul_in_the_envelope_sender_is_stored_and_fails_nobody_else(on_postgresql):
    service = on_postgresql
    recipient = f"postmaster@{service.settings.domain}"
    answers: dict[str, object] = {}

    def send(sender: str) -> None:
        try:
            answers[sender] = service.send(b"Subject: hello\r\n\r\nhello\r\n", sender, [recipient])
        except smtplib.SMTPException as exc:
            answers[sender] = exc

    senders = [f"sender{n}@example.org" for n in range(30)] + ["nul\x00here@example.org"]
    threads = [threading.Thread(target=send, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    refused = {sender: answer for sender, answer in answers.items() if answer != {}}
    assert refused == {}  # every sender got its 250, the one with the NUL too
    service.wait_idle()
    with Session(service.context.engine) as session:
        stored = session.exec(select(InboundMessage.mail_from)).all()
    assert len(stored) == len(senders) and "nul\ufffdhere@example.org" in stored


def test_a_nul_in_a_subject_or_a_name_is_published_cleaned(on_postgresql):
    service = on_postgresql
    thread = make_request(service)
    address = service.context.addresses.authority_facing(thread.id)
    service.send(b"From: =?utf-8?q?Clerk=00Name?= <clerk@ambridge-parish.example>\r\n"
                 b"Subject: Re: Verge=?utf-8?q?=00?= cutting\x00\r\n\r\nTwice a year.\r\n",
                 "clerk@ambridge-parish.example", [address])
    service.wait_idle()
    with Session(service.context.engine) as session:
        [inbound] = session.exec(select(InboundMessage).where(InboundMessage.rcpt_to.isnot(None))
                                 .order_by(InboundMessage.id.desc())).all()[:1]
        assert inbound.state == InboundState.DONE, inbound.last_error
        reply = session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread.id)
                             .order_by(ThreadMessage.id.desc())).first()
    assert "Twice a year." in reply.public_body and "\x00" not in reply.subject + reply.from_name
