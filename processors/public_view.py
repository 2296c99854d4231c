"""The redacted public form of a thread message and its attachments (invariant 2)."""
from __future__ import annotations

from sqlmodel import Session, or_, select

from processors.context import Context
from processors.understanding import CensorRule as Rule
from processors.understanding import redact_text, redaction_matches
from store.models import Attachment, CensorRule, Thread, ThreadMessage


def censor_rules(session: Session, thread: Thread) -> list[Rule]:
    rows = session.exec(select(CensorRule).where(or_(
        (CensorRule.authority_id.is_(None)) & (CensorRule.thread_id.is_(None)),
        CensorRule.authority_id == thread.authority_id,
        CensorRule.thread_id == thread.id))).all()
    return [Rule(pattern=r.pattern, is_regex=r.is_regex, replacement=r.replacement) for r in rows]


def thread_address_labels(context: Context, thread: Thread) -> dict[str, str]:
    label = f"[{thread.kind.upper()} #{thread.id} email]"
    book = context.addresses
    return {book.authority_facing(thread.id): label, book.citizen_facing(thread.id): label,
            book.confirm(thread.id): label}


class Redactor:
    """Redacts everything of one thread with the same rules."""

    def __init__(self, session: Session, context: Context, thread: Thread):
        self.rules = censor_rules(session, thread)
        self.labels = thread_address_labels(context, thread)

    def __call__(self, text: str) -> str:
        return redact_text(text or "", thread_addresses=self.labels, rules=self.rules)

    def matches(self, data_or_text) -> bool:
        return redaction_matches(data_or_text, self.rules)


def fill_public_fields(message: ThreadMessage, redact: Redactor) -> None:
    message.public_subject = redact(message.subject)
    message.public_body = redact(message.body_text)
    message.public_quoted = redact(message.quoted_text)


def fill_public_attachment(attachment: Attachment, data: bytes, redact: Redactor) -> None:
    attachment.public_filename = redact(attachment.filename)
    attachment.public_text = redact(attachment.text)
    # A binary file can't be redacted in place: if a rule hits inside it, it waits for an operator.
    is_plain_text = attachment.content_type.startswith("text/")
    attachment.released = is_plain_text or not (redact.matches(data) or redact.matches(attachment.text))


def refresh_thread(session: Session, context: Context, thread: Thread) -> int:
    """Re-apply redaction to a whole thread (after a censor rule changes)."""
    redact = Redactor(session, context, thread)
    messages = session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread.id)).all()
    for message in messages:
        fill_public_fields(message, redact)
    return len(messages)
