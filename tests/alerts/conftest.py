"""Alerts end to end: the live service with the sample authorities and councils, subscribers' mail."""
from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlmodel import Session, select

from store.models import Alert, Subscriber
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
