"""Finding the thread an inbound message belongs to, and recording it there.

Keys, in order: the (envelope or To/Cc) thread address with a valid token; the
same with one typo when exactly one thread fits; In-Reply-To/References naming
one of our own outbound Message-IDs. Whatever is left goes to the holding pen.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from processors.context import Context
from processors.public_view import Redactor, fill_public_attachment, fill_public_fields
from processors.understanding import Understood
from store.addresses.routes import Route
from store.blobs import put_blob
from store.models import Attachment, Counterpart, InboundMessage, Outbox, Thread, ThreadCounterpart, ThreadMessage

KIND_OF_INCOMING = {"human": "reply", "auto_reply": "auto_reply", "bounce": "bounce", "spam": "spam"}


@dataclass
class Match:
    thread: Thread | None
    how: str                     # "token", "typo", "references", or why nothing matched
    candidates: list[int]


def thread_for_route(session: Session, context: Context, route: Route, understood: Understood) -> Match:
    ident, token = route.params["thread_id"], route.params["token"]
    book = context.addresses
    if book.token_valid(route.name, ident, token):
        return Match(session.get(Thread, int(ident)), "token", [int(ident)])
    candidates = [tid for tid in book.typo_candidates(route.name, ident, token) if session.get(Thread, tid)]
    if len(candidates) == 1:
        return Match(session.get(Thread, candidates[0]), "typo", candidates)
    by_reference = thread_by_references(session, understood)
    if by_reference is not None and (not candidates or by_reference.id in candidates):
        return Match(by_reference, "references", candidates)
    why = (f"address <{route.address}> fits {len(candidates)} requests" if candidates
           else f"address <{route.address}> matches no request")
    return Match(None, why, candidates)


def counterpart_domains(session: Session, thread: Thread) -> tuple[str, ...]:
    """The mail domains of every body the thread went to: its counterpart and any further ones."""
    ids = [thread.counterpart_id] if thread.counterpart_id else []
    ids += session.exec(select(ThreadCounterpart.counterpart_id)
                        .where(ThreadCounterpart.thread_id == thread.id)).all()
    return tuple(c.email_domain for c in (session.get(Counterpart, i) for i in ids) if c is not None)


def thread_by_references(session: Session, understood: Understood) -> Thread | None:
    """The thread of our own outbound mail that this message answers, if any."""
    ids = [f"<{mid.strip('<>')}>" for mid in (understood.in_reply_to + understood.references[::-1])]
    for message_id in ids:
        outbox = session.exec(select(Outbox).where(Outbox.message_id_header == message_id)).first()
        if outbox is not None and outbox.thread_id is not None:
            return session.get(Thread, outbox.thread_id)
    return None


def record_incoming(session: Session, context: Context, thread: Thread, inbound: InboundMessage,
                    understood: Understood, kind: str | None = None, hidden: bool = False) -> ThreadMessage | None:
    """Add the message to the thread once (None if this inbound, or an identical resend of
    it, is already there)."""
    message = ThreadMessage(
        thread_id=thread.id, inbound_id=inbound.id, direction="incoming",
        kind=kind or KIND_OF_INCOMING.get(understood.kind, "reply"),
        from_name=understood.from_name, from_address=understood.from_address or "",
        subject=understood.subject, body_text=understood.new_text, quoted_text=understood.quoted_text,
        message_id_header=f"<{understood.message_id}>" if understood.message_id else "",
        notes=list(understood.notes), hidden=hidden or understood.kind == "spam",
        arrived_at=inbound.received_at, sent_at=understood.date)
    with session.no_autoflush:
        redact = Redactor(session, context, thread)
    fill_public_fields(message, redact)
    # Files to disk and their redaction before the flush, which on SQLite takes the write lock.
    attachments = []
    for info in understood.attachments:
        sha256 = put_blob(context.config.blob_dir, info.data)
        attachment = Attachment(message_id=0, filename=info.filename, content_type=info.content_type,
                                size=len(info.data), sha256=sha256, text=info.text or "", note=info.note or "")
        fill_public_attachment(attachment, info.data, redact)
        attachments.append(attachment)
    # Now, and only now, lock the thread: two workers holding two copies of one resent
    # message must not both see "not there yet".
    lock_thread(session, thread.id)
    already = session.exec(select(ThreadMessage.id).where(ThreadMessage.thread_id == thread.id,
                                                          ThreadMessage.inbound_id == inbound.id)).first()
    if already is not None or is_resend(session, thread, understood):
        return None
    session.add(message)
    session.flush()
    for attachment in attachments:
        attachment.message_id = message.id
        session.add(attachment)
    if message.kind in ("reply", "follow_up"):
        thread.last_activity_at = context.clock.now()
    return message


def lock_thread(session: Session, thread_id: int) -> None:
    """Until this transaction ends, other workers wait to lock the thread (a row lock on PostgreSQL,
    the write lock on SQLite): for a check and the write it decides, such as "not there yet".
    A column no foreign key references: `SET id = id` made SQLite check every row pointing at the
    thread (all its messages and outbox mails) on each call."""
    session.execute(sa.update(Thread).where(Thread.id == thread_id).values(hidden=Thread.hidden)
                    .execution_options(synchronize_session=False))


def is_resend(session: Session, thread: Thread, understood: Understood) -> bool:
    """A sender that never saw our 250 (a dropped connection, our crash) sends the same
    message again: same Message-ID, same text. It is stored (every 250 is) but shown once."""
    if not understood.message_id:
        return False
    twin = session.exec(select(ThreadMessage.id).where(
        ThreadMessage.thread_id == thread.id, ThreadMessage.message_id_header == f"<{understood.message_id}>",
        ThreadMessage.body_text == understood.new_text)).first()
    return twin is not None


def latest_message_ids(session: Session, thread: Thread) -> tuple[str | None, list[str]]:
    """(In-Reply-To, References) for a new mail in this thread, oldest reference first."""
    # An outgoing message carries its outbox mail's Message-ID, an incoming one the sender's.
    # Only the newest ten to arrive, read backwards along ix_thread_message_thread_id_arrived_at_id; empty
    # ids are skipped in SQL, before the LIMIT, so they never take one of the ten places.
    newest = session.exec(select(ThreadMessage.message_id_header)
                          .where(ThreadMessage.thread_id == thread.id)
                          .where(ThreadMessage.kind.in_(("request", "reply", "follow_up")))
                          .where(ThreadMessage.message_id_header != "")
                          .order_by(ThreadMessage.arrived_at.desc(), ThreadMessage.id.desc())
                          .limit(10)).all()
    ids = newest[::-1]
    return (ids[-1] if ids else None), ids
