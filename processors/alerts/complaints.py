"""A feedback-loop complaint (ARF, RFC 5965) about a digest: that subscriber is unsubscribed at once.

Mailbox providers send one when their user marks a mail as spam, to our VERP return path or to abuse@,
with the original (or its headers) embedded. The subscriber is named by what we wrote into that
original and only we can make: its List-Unsubscribe mailto (unsubscribe-ID-TOKEN@) or its VERP
return path (bounce-OUTBOX-TOKEN@, when the original is a digest). A complaint naming neither is left
to the caller (a bounce, or held for an operator).
"""
from __future__ import annotations

import email
import re
from email.message import Message
from email.policy import compat32

from sqlmodel import Session, select

from processors.alerts.bounced import DIGEST_KINDS
from processors.alerts.subscribing import stop
from processors.context import Context
from store.addresses.routes import RouteName
from store.models import Outbox, Subscriber

ORIGINAL_TYPES = ("message/rfc822", "text/rfc822-headers")


def is_complaint(raw: bytes) -> bool:
    head = raw[:8192].lower()
    return b"multipart/report" in head and b"feedback-report" in head


def complained_subscriber(session: Session, context: Context, raw: bytes) -> int | None:
    """The subscriber whose digest the embedded original is, or None."""
    report = email.message_from_bytes(raw, policy=compat32)
    if report.get_content_type() != "multipart/report" or report.get_param("report-type") != "feedback-report":
        return None
    for part in report.walk():
        if part.get_content_type() in ORIGINAL_TYPES:
            found = _named(session, context, _headers_of(part))
            if found is not None:
                return found
    return None


def _headers_of(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload:  # message/rfc822: the parsed original
        original = payload[0]
        return "\n".join(f"{k}: {v}" for k, v in original.items())
    text = part.get_payload(decode=True) or b""
    return text.decode("utf-8", "replace").split("\n\n", 1)[0]


def _named(session: Session, context: Context, headers: str) -> int | None:
    book = context.addresses
    for local in re.findall(rf"([a-z0-9-]+)@{re.escape(book.domain)}", headers, re.IGNORECASE):
        route = book.resolve(f"{local}@{book.domain}")
        if route is None or route.name not in (RouteName.UNSUBSCRIBE, RouteName.BOUNCE):
            continue
        param = book.routes[route.name].param
        if not book.token_valid(route.name, route.params[param], route.params["token"]):
            continue
        if route.name == RouteName.UNSUBSCRIBE:
            return int(route.params[param])
        outbox = session.get(Outbox, int(route.params[param]))
        if outbox is not None and outbox.kind in DIGEST_KINDS:
            return session.exec(select(Subscriber.id).where(Subscriber.email == outbox.to_address.lower())).first()
    return None


def unsubscribe_complainer(session: Session, context: Context, raw: bytes) -> str | None:
    """Unsubscribe the subscriber a complaint names; what was done, or None when it names none."""
    subscriber_id = complained_subscriber(session, context, raw)
    if subscriber_id is None:
        return None
    stopped = stop(session, context, subscriber_id)
    return f"a feedback-loop complaint about a digest: subscriber {subscriber_id} unsubscribed ({stopped} alert(s))"
