"""What is kept of a letter, and for how long (issue 13): its text 28 days after delivery, the names
and addresses two years; the statistics (processors/letters/responsiveness.py) and the fingerprint
(store/letter_moderation.py) for good.

Deleting the text reaches every copy: the thread's body and title, its messages (the letter as sent,
the representative's replies, auto-replies and bounces) and their attachments (rows and blob files
no other attachment shares), the raw inbound mails (the letter as written to write@, sent again, its
confirmation, the constituent's answers: `letter.inbound_ids`, and every message's inbound), and
the outbox rows (the delivered letter, the replies forwarded, the copy sent back on a bounce). A held
letter's copy goes the same way, 28 days after it was written. On SQLite the file is then
checkpointed: with `secure_delete` (store/sqlite_file.py) nothing of the text stays in free pages or
the WAL.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from processors.context import Context
from store.blobs import blob_path
from store.models import Attachment, InboundMessage, Outbox, RateEvent, Thread, ThreadMessage
from store.representatives import Letter
from store.sqlite_file import checkpoint_and_truncate
from store.states import ThreadKindName

TEXT_KEPT_FOR = timedelta(days=28)
NAMES_KEPT_FOR = timedelta(days=730)
DELETED = "(deleted)"
NOT_YET_SENT = ("awaiting_confirmation",)  # expiry (7 days) drops those texts first


def remember_inbound(letter: Letter, inbound_id: int | None) -> None:
    """An inbound mail carried this letter's text or an answer about it: delete it with the text."""
    if inbound_id is not None and inbound_id not in letter.inbound_ids:
        letter.inbound_ids = [*letter.inbound_ids, inbound_id]  # a new list: the JSON column sees the change


def delete_old_letter_text(context: Context) -> int:
    """The periodic job: every letter delivered (or written, if never delivered) TEXT_KEPT_FOR ago
    loses its text everywhere. Returns how many letters."""
    now = context.clock.now()
    cutoff = now - TEXT_KEPT_FOR
    with Session(context.engine) as session:
        due = session.exec(select(Thread, Letter).join(Letter, col(Letter.thread_id) == Thread.id).where(
            Thread.kind == ThreadKindName.LETTER, col(Letter.text_deleted_at).is_(None),
            col(Thread.state).not_in(NOT_YET_SENT),
            sa.func.coalesce(Thread.sent_at, Thread.created_at) <= cutoff)).all()
        for thread, letter in due:
            _delete_text(session, context, thread, letter)
            letter.text_deleted_at = now
        session.commit()
    if due:
        _complete_deletion(context)
    return len(due)


def _delete_text(session: Session, context: Context, thread: Thread, letter: Letter) -> None:
    from processors.letters.moderation import HELD, REJECTED  # moderation imports writing, which imports this

    thread.body, thread.title = "", DELETED
    if thread.state == HELD:  # never read by a moderator in 28 days: not sent, and not kept
        thread.state = REJECTED
    messages = session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread.id)).all()
    inbound_ids = set(letter.inbound_ids)
    for message in messages:
        message.subject = message.body_text = message.quoted_text = ""
        message.public_subject = message.public_body = message.public_quoted = ""
        if message.inbound_id is not None:
            inbound_ids.add(message.inbound_id)
    message_ids = [m.id for m in messages]
    attachments = session.exec(select(Attachment).where(col(Attachment.message_id).in_(message_ids))).all() \
        if message_ids else []
    for attachment in attachments:
        session.delete(attachment)
    session.flush()
    for sha256 in {a.sha256 for a in attachments}:
        if session.exec(select(Attachment.id).where(Attachment.sha256 == sha256)).first() is None:
            blob_path(context.config.blob_dir, sha256).unlink(missing_ok=True)  # no other message has it
    if inbound_ids:
        session.execute(sa.update(InboundMessage).where(col(InboundMessage.id).in_(inbound_ids))
                        .values(raw=b"", last_error=""))
    session.execute(sa.update(Outbox).where(Outbox.thread_id == thread.id).values(raw=b"", subject=DELETED))


def anonymise_old_letters(context: Context) -> int:
    """The periodic job: NAMES_KEPT_FOR after delivery, who wrote and where from are forgotten; the
    statistics stay."""
    now = context.clock.now()
    with Session(context.engine) as session:
        due = session.exec(select(Thread, Letter).join(Letter, col(Letter.thread_id) == Thread.id).where(
            Thread.kind == ThreadKindName.LETTER, col(Letter.anonymised_at).is_(None),
            sa.func.coalesce(Thread.sent_at, Thread.created_at) <= now - NAMES_KEPT_FOR)).all()
        for thread, letter in due:
            thread.citizen_name, thread.citizen_email = "", ""
            letter.postal_address, letter.postcode = "", ""
            letter.anonymised_at = now
            session.execute(sa.update(ThreadMessage).where(ThreadMessage.thread_id == thread.id)
                            .values(from_name="", from_address=""))
            session.execute(sa.update(Outbox).where(Outbox.thread_id == thread.id).values(to_address="", from_address=""))
            session.execute(sa.update(RateEvent).where(RateEvent.thread_id == thread.id).values(address=""))
            if letter.inbound_ids:
                session.execute(sa.update(InboundMessage).where(col(InboundMessage.id).in_(letter.inbound_ids))
                                .values(mail_from="", rcpt_to=[]))
        session.commit()
    if due:
        _complete_deletion(context)
    return len(due)


def _complete_deletion(context: Context) -> None:
    engine = context.engine
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL: autovacuum reclaims dead rows (docs/letters.md)
    raw = engine.raw_connection()
    try:
        checkpoint_and_truncate(raw.dbapi_connection)
    finally:
        raw.close()
