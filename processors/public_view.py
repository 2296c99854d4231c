"""The redacted public form of a thread message and its attachments (invariant 2)."""
from __future__ import annotations

import re

from sqlmodel import Session, or_, select

from processors.context import Context
from processors.understanding import CensorRule as Rule
from processors.understanding import redact_text
from processors.understanding.redact import PHONE_PATTERNS
from store.blobs import get_blob
from store.content_types import is_text_like
from store.models import Attachment, CensorRule, Thread, ThreadMessage


def censor_rules(session: Session, thread: Thread) -> list[Rule]:
    rows = session.exec(select(CensorRule).where(or_(
        (CensorRule.counterpart_id.is_(None)) & (CensorRule.thread_id.is_(None)),
        CensorRule.counterpart_id == thread.counterpart_id,
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
        extra = context.config.extra_phone_patterns
        self.phone_patterns = PHONE_PATTERNS + extra if extra else None  # None: the built-in ones
        # What must never appear in a published file: the operator's rules, the
        # citizen's own address and the thread's secret addresses. (An authority's
        # letterhead address or switchboard number in a PDF is not a reason to hold it.)
        personal = [thread.citizen_email, *self.labels] if thread.citizen_email else list(self.labels)
        self.file_rules = self.rules + [Rule(pattern=p) for p in personal if p]

    def __call__(self, text: str) -> str:
        return redact_text(text or "", thread_addresses=self.labels, rules=self.rules,
                           phone_patterns=self.phone_patterns)

    def file_needs_review(self, data: bytes, extracted_text: str) -> bool:
        return any(_rule_hits(rule, candidate) for rule in self.file_rules for candidate in (data, extracted_text or ""))


def _rule_hits(rule: Rule, data_or_text) -> bool:
    """Does this one rule match the text, or the bytes read as UTF-8 or UTF-16 (Office, PDF)?"""
    text = data_or_text.decode("utf-8", "replace") if isinstance(data_or_text, bytes) else data_or_text
    if isinstance(data_or_text, bytes) and b"\x00" in data_or_text:
        text += data_or_text.decode("utf-16-le", "ignore")
    try:
        pattern = re.compile(rule.pattern if rule.is_regex else re.escape(rule.pattern), re.I)
    except re.error:
        return False
    return bool(pattern.search(text))


def fill_public_fields(message: ThreadMessage, redact: Redactor) -> None:
    message.public_subject = redact(message.subject)
    message.public_body = redact(message.body_text)
    message.public_quoted = redact(message.quoted_text)


def fill_public_attachment(attachment: Attachment, data: bytes, redact: Redactor) -> None:
    attachment.public_filename = redact(attachment.filename)
    attachment.public_text = redact(attachment.text)
    # A binary file can't be redacted in place: if a rule hits inside it, it waits for an operator. A text
    # file is published as its public text (web_archive/build.py), yet one naming the citizen waits too;
    # one whose text could not be read has no redacted form to publish.
    unreadable = is_text_like(attachment.content_type) and bool(data.strip()) and not attachment.text
    attachment.released = not unreadable and not redact.file_needs_review(data, attachment.text)


def refresh_thread(session: Session, context: Context, thread: Thread) -> int:
    """Re-apply redaction to a whole thread (after a censor rule changes). A file that a
    new rule hits is withheld again; one an operator released stays released otherwise."""
    redact = Redactor(session, context, thread)
    messages = session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread.id)).all()
    for message in messages:
        fill_public_fields(message, redact)
        session.add(message)
        for attachment in session.exec(select(Attachment).where(Attachment.message_id == message.id)):
            was_released = attachment.released
            fill_public_attachment(attachment, get_blob(context.config.blob_dir, attachment.sha256), redact)
            attachment.released = attachment.released and was_released
            session.add(attachment)
    return len(messages)
