"""The redacted public form of a thread message and its attachments (invariant 2)."""
from __future__ import annotations

import codecs
import re
from typing import Iterator

from sqlmodel import Session, or_, select

from processors.context import Context
from processors.understanding import CensorRule as Rule
from processors.understanding import redact_text
from processors.understanding.redact import PHONE_PATTERNS
from store.blobs import get_blob
from store.content_types import is_text_like
from store.models import Attachment, CensorRule, Thread, ThreadMessage

SCAN_BYTES = 64 * 1024  # how much of a file is read as text at a time, looking for personal data
SCAN_OVERLAP = 16 * 1024  # characters each window repeats of the one before it


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
        return rules_hit_file(self.file_rules, data, extracted_text)


def rules_hit_file(rules: list[Rule], data: bytes, extracted_text: str) -> bool:
    """Does a rule match the file's text, or its bytes read as UTF-8 or UTF-16 (Office, PDF)?"""
    patterns = [pattern for pattern in map(_compiled, rules) if pattern is not None]
    return any(pattern.search(text) for text in _readings(data, extracted_text or "") for pattern in patterns)


def _compiled(rule: Rule) -> re.Pattern[str] | None:
    try:
        return re.compile(rule.pattern if rule.is_regex else re.escape(rule.pattern), re.I)
    except re.error:
        return None


def _readings(data: bytes, extracted_text: str) -> Iterator[str]:
    """The file's bytes read as UTF-8 and, if they hold NULs, as UTF-16, then its extracted text.

    The bytes are read SCAN_BYTES at a time (reading a 24 MB scan whole, once per rule, held
    about 200 MB: one character in it takes up to 4 bytes); each window starts with the last
    SCAN_OVERLAP characters of the one before, so a match across two is seen whole, up to that
    length (no name, address or operator's rule comes near it). A window's start may read as the
    start of a text, to a rule anchored there: that can only hold a file back, never release one.
    """
    view = memoryview(data)
    for encoding, errors in (("utf-8", "replace"), ("utf-16-le", "ignore")):
        if encoding == "utf-16-le" and b"\x00" not in data:
            continue
        decoder = codecs.getincrementaldecoder(encoding)(errors)
        overlap = ""
        for offset in range(0, len(data), SCAN_BYTES):
            text = overlap + decoder.decode(view[offset:offset + SCAN_BYTES], offset + SCAN_BYTES >= len(data))
            yield text
            overlap = text[-SCAN_OVERLAP:]
            del text  # before the next window is read, not after
    yield extracted_text


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
    unreadable = is_text_like(attachment.content_type) and not _blank(data) and not attachment.text
    attachment.released = not unreadable and not redact.file_needs_review(data, attachment.text)


def _blank(data: bytes) -> bool:
    return not data or data.isspace()  # not data.strip(): that copies the whole file


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
