"""How many letters one constituent and one representative get a day, counted with the other limits
(processors/limits.py, the `rate_event` table) and cleared the same way (`mailgate limits reset ADDRESS`,
the constituent's or the representative's address).

A letter counts when it is delivered, against its sender (`letter_from`, their address) and its
representative (`letter_to`, the representative's address). The limit is checked twice: when a letter
is written (so that nothing is kept or confirmed that cannot go) and when it is confirmed (so that
letters written together and confirmed together cannot pass it). A refusal names the limit and when
the oldest counted letter leaves the day's window, which is when the constituent can write again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from processors import limits
from processors.context import Context

DAY = timedelta(days=1)
FROM_SENDER, TO_REPRESENTATIVE = "letter_from", "letter_to"


@dataclass(frozen=True)
class OverLimit:
    who: str            # "sender" | "representative": whose limit it is
    limit: int
    again: datetime     # when one more letter may go

    @property
    def setting(self) -> str:
        return f"MAILGATE_LETTERS_PER_{self.who.upper()}_PER_DAY"

    @property
    def again_text(self) -> str:
        return f"{self.again:%-d %B %Y at %H:%M} UTC"


def over_limit(session: Session, context: Context, sender: str, representative_email: str) -> OverLimit | None:
    """Which daily limit one more letter from `sender` to this representative would pass, or None."""
    now = context.clock.now()
    config = context.config
    for who, name, address, limit in (
            ("sender", FROM_SENDER, sender.lower(), config.letters_per_sender_per_day),
            ("representative", TO_REPRESENTATIVE, representative_email.lower(), config.letters_per_representative_per_day)):
        if limits.count_since(session, name, now - DAY, address=address) >= limit:
            oldest = limits.oldest_since(session, name, now - DAY, address=address)
            return OverLimit(who=who, limit=limit, again=(oldest or now) + DAY)
    return None


def count_delivered(session: Session, context: Context, thread_id: int, sender: str,
                    representative_email: str) -> None:
    at = context.clock.now()
    limits.record(session, FROM_SENDER, at, thread_id=thread_id, address=sender.lower())
    limits.record(session, TO_REPRESENTATIVE, at, thread_id=thread_id, address=representative_email.lower())
