"""Template letters held for a moderator: WriteToThem's copy-paste rule, on the fingerprints kept of
earlier letters (store/letter_moderation.py, processors/letters/similarity.py).

A confirmed letter is compared with the letters sent (or held) to the same representative in the last
COMPARE_WITHIN by *other* writers: at SIMILARITY_HELD or more alike to one of them it is held (state
`held`) and the constituent is told a person will read it. The same writer sending one letter to each
of their representatives is never compared with themselves, so that is allowed; a writer on the
operator's allowlist is never held. An operator releases a held letter (it is delivered) or rejects it
with a reason the constituent is told; a rejected letter's text is dropped at once.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from processors.context import Context
from processors.letters import similarity
from processors.mail_out import MailSpec, queue_mail
from store.letter_moderation import LetterAllowedSender, LetterFingerprint
from store.models import Counterpart, Thread
from store.states import ThreadKindName

HELD, REJECTED = "held", "rejected"
SIMILARITY_HELD = 0.5
COMPARE_WITHIN = timedelta(days=90)
MAX_COMPARED = 5_000  # the most recent fingerprints compared: bounded work for a representative's busiest quarter


class ModerationError(Exception):
    """An operator's command that cannot be done, with the sentence saying why."""


@dataclass(frozen=True)
class Resemblance:
    thread_id: int
    score: float


def writer_key(context: Context, address: str) -> str:
    """Who wrote, as a keyed hash: "another writer" is decidable, who it was is not kept."""
    return hmac.new(context.config.secret, b"letter-writer:" + address.lower().encode(), hashlib.sha256).hexdigest()


def is_allowed(session: Session, address: str) -> bool:
    return session.get(LetterAllowedSender, address.lower()) is not None


def most_similar(session: Session, context: Context, thread: Thread,
                 hashes: frozenset[int]) -> Resemblance | None:
    """The earlier letter to the same representative by another writer most like this one, or None."""
    since = context.clock.now() - COMPARE_WITHIN
    rows = session.exec(select(LetterFingerprint).where(
        LetterFingerprint.counterpart_id == thread.counterpart_id, LetterFingerprint.thread_id != thread.id,
        LetterFingerprint.writer_key != writer_key(context, thread.citizen_email),
        col(LetterFingerprint.created_at) >= since).order_by(col(LetterFingerprint.created_at).desc())
        .limit(MAX_COMPARED)).all()
    best = max(((similarity.dice(hashes, similarity.decode(row.hashes)), row.thread_id) for row in rows),
               default=None)
    return Resemblance(thread_id=best[1], score=best[0]) if best is not None else None


def hold_if_template(session: Session, context: Context, thread: Thread) -> Resemblance | None:
    """Fingerprint a confirmed letter; hold it (and tell its writer) when it is a template. Returns the
    resemblance that held it, or None: the letter may go."""
    assert thread.id is not None
    hashes = similarity.fingerprint(thread.body)
    resemblance = None if is_allowed(session, thread.citizen_email) else most_similar(session, context, thread, hashes)
    held = resemblance is not None and resemblance.score >= SIMILARITY_HELD
    session.merge(LetterFingerprint(
        thread_id=thread.id, counterpart_id=thread.counterpart_id, writer_key=writer_key(context, thread.citizen_email),
        hashes=similarity.encode(hashes), created_at=context.clock.now(),
        similar_to=resemblance.thread_id if held and resemblance else None,
        score=resemblance.score if held and resemblance else 0.0))
    if not held:
        return None
    thread.state = HELD
    queue_mail(session, context, MailSpec(
        dedupe_key=f"letter-held:{thread.id}", kind="letter_held", to=thread.citizen_email, thread_id=thread.id,
        from_address=context.addresses.citizen_facing(thread.id), from_name=context.config.service_name,
        values={"thread": thread, "representative": session.get(Counterpart, thread.counterpart_id)}))
    return resemblance


def held_letters(session: Session) -> list[tuple[Thread, LetterFingerprint]]:
    """The letters waiting for a moderator, oldest first, with what held them."""
    rows = session.exec(select(Thread, LetterFingerprint).join(
        LetterFingerprint, col(LetterFingerprint.thread_id) == Thread.id).where(
        Thread.kind == ThreadKindName.LETTER, Thread.state == HELD).order_by(Thread.id)).all()
    return [(thread, fingerprint) for thread, fingerprint in rows]


def _held(session: Session, thread_id: int) -> Thread:
    thread = session.get(Thread, thread_id)
    if thread is None or thread.kind != ThreadKindName.LETTER:
        raise ModerationError(f"there is no letter {thread_id} (`mailgate letters held` lists the held ones)")
    if thread.state != HELD:
        raise ModerationError(f"letter {thread_id} is {thread.state}, not held")
    return thread


def release(session: Session, context: Context, thread_id: int) -> str:
    """A moderator read it and it goes: delivered as if just confirmed."""
    from processors.letters.writing import deliver_letter  # writing imports this module

    thread = _held(session, thread_id)
    deliver_letter(session, context, thread)
    return f"letter {thread_id} released and sent"


def reject(session: Session, context: Context, thread_id: int, reason: str) -> str:
    """Not sent: the writer is told why, and the letter's text is not kept."""
    reason = reason.strip()
    if not reason:
        raise ModerationError("--reason is required: the constituent is told why their letter was not sent")
    thread = _held(session, thread_id)
    queue_mail(session, context, MailSpec(
        dedupe_key=f"letter-rejected:{thread.id}", kind="letter_rejected", to=thread.citizen_email,
        thread_id=thread.id, from_address=context.addresses.citizen_facing(thread.id),
        from_name=context.config.service_name,
        values={"thread": thread, "representative": session.get(Counterpart, thread.counterpart_id),
                "reason": reason}))
    thread.state, thread.body = REJECTED, ""
    return f"letter {thread_id} rejected; its writer was told why"


def allow(session: Session, address: str, note: str) -> str:
    address = address.strip().lower()
    if "@" not in address or any(c.isspace() for c in address):
        raise ModerationError(f"{address!r} is not an email address")
    session.merge(LetterAllowedSender(address=address, note=note))
    return f"letters from {address} are no longer held as templates"
