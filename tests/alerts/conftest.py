"""Alerts end to end: the live service with the sample authorities and councils, subscribers' mail."""
from __future__ import annotations

from datetime import datetime, timezone
from email.message import EmailMessage

import pytest
from sqlmodel import Session, select

from mailgate.runtime.embedded import BackgroundService
from processors.foi.requests import create_confirmed
from store.clock import MovableClock
from store.models import Alert, Subscriber, ThreadMessage
from store.states import AlertState
from tests.reports.conftest import with_the_sample

READER = "pat@reader.example"


@pytest.fixture
def following(service):
    """The live service (both backends) with the sample authorities, councils and contacts."""
    return with_the_sample(service)


def mail(subject: str, body: str = "", *, sender: str = READER, to: str = "",
         headers: dict[str, str] | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(body or "\n")
    return message.as_bytes()


def send(service, raw: bytes, sender: str, to: str) -> None:
    service.send(raw, sender, [to])
    service.wait_idle()


def subscribe_address(service) -> str:
    return f"subscribe@{service.settings.domain}"


def alerts_of(service, email: str = READER) -> list[Alert]:
    with Session(service.context.engine) as session:
        subscriber = session.exec(select(Subscriber).where(Subscriber.email == email)).first()
        if subscriber is None:
            return []
        return list(session.exec(select(Alert).where(Alert.subscriber_id == subscriber.id).order_by(Alert.id)).all())


CLERK = "clerk@ambridge-parish.example"
COUNTY = "information.requests@borsetshire.gov.example"
MONDAY_6_AM = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)  # 06:00 in London too (GMT)


@pytest.fixture
def serving(make_settings, backend, relay):
    """The service with its HTTP listener, at a configured https public URL (a TLS proxy in front)."""
    clock = MovableClock()
    clock.set(MONDAY_6_AM)  # the digests' periods are days: no test may cross a real midnight
    live = BackgroundService(make_settings(relay=relay.address, site_url="https://foi.test/", **backend), clock=clock)
    live.start(archive=True)
    yield with_the_sample(live)
    live.stop()


def a_request(service, slug: str, title: str) -> int:
    with Session(service.context.engine, expire_on_commit=False) as session:
        thread = create_confirmed(session, service.context, authority_slug=slug, name="Sam",
                                  email="sam@citizen.example", title=title, body="Please send it.")
        session.commit()
    service.sweep()
    service.wait_idle()
    return thread.id


def reply(service, thread_id: int, sender: str, text: str) -> int:
    address = service.context.addresses.authority_facing(thread_id)
    send(service, mail(f"Re: request {thread_id}", text, sender=sender, to=address), sender, address)
    with Session(service.context.engine) as session:
        return session.exec(select(ThreadMessage.id).where(ThreadMessage.thread_id == thread_id)
                            .order_by(ThreadMessage.id.desc())).first()


def follow(service, relay, lines: str, reader: str = READER) -> list[Alert]:
    send(service, mail("follow", lines, sender=reader), reader, subscribe_address(service))
    confirmation = relay.to(reader)[-1]
    address = confirmation.message["Reply-To"]
    send(service, mail("Re: confirm", "yes", sender=reader, to=address), reader, address)
    alerts = alerts_of(service, reader)
    assert {a.state for a in alerts} == {AlertState.ACTIVE}
    return alerts


def digests_to(relay, reader: str = READER):
    return [m for m in relay.to(reader) if m.message["List-Id"]]
