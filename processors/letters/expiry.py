"""Letters never confirmed are expired after CONFIRM_WITHIN (7 days): a confirmation arriving later
sends nothing, and the letter's text is no longer kept (it was never sent anywhere)."""
from __future__ import annotations

from sqlmodel import Session, col, select

from processors.context import Context
from processors.letters.writing import AWAITING_CONFIRMATION, CONFIRM_WITHIN
from store.models import Thread
from store.states import ThreadKindName

EXPIRED = "expired"


def expire_unconfirmed_letters(context: Context) -> int:
    cutoff = context.clock.now() - CONFIRM_WITHIN
    with Session(context.engine) as session:
        stale = session.exec(select(Thread).where(Thread.kind == ThreadKindName.LETTER,
                                                  Thread.state == AWAITING_CONFIRMATION,
                                                  col(Thread.created_at) <= cutoff)).all()
        for thread in stale:
            thread.state, thread.body = EXPIRED, ""
        session.commit()
    return len(stale)
