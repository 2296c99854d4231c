"""Whether a representative answered a letter: counted from the replies that come back through the
letter's own address, and asked of the constituent only when none did (WriteToThem's questionnaire,
which had to be answered by hand for every letter; here it fills the gap).

- A reply (not an auto-reply, not a bounce) at the letter's address sets `letter.first_reply_at`.
- QUESTIONNAIRE_AFTER (14 days) after delivery, a letter with no counted reply, not bounced, gets
  the questionnaire, and QUESTIONNAIRE_REMINDER_AFTER (7 days) later one reminder, never more.
- The constituent answers by replying YES, NO or ACK (only an acknowledgement, which counts as no).
  Only from the letter's own constituent address, by a person, with a sender-trust verdict that is
  not fail: a forged YES counts for nothing.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from processors.context import Context
from processors.mail_out import MailSpec, commit_and_send, queue_mail
from store.models import Counterpart, Thread
from store.representatives import Letter
from store.states import SenderTrust, ThreadKindName

if TYPE_CHECKING:
    from processors.routing import Delivery

QUESTIONNAIRE_AFTER = timedelta(days=14)
QUESTIONNAIRE_REMINDER_AFTER = timedelta(days=7)
MAX_QUESTIONNAIRES = 2  # the questionnaire and one reminder
YES, NO, ACK = "yes", "no", "ack"
_ANSWER = re.compile(r"(?i)^\W*(yes|no|ack)\b")


def count_reply(letter: Letter, at: datetime) -> None:
    """The representative replied through the letter's address (processors/letters/replies.py)."""
    if letter.first_reply_at is None:
        letter.first_reply_at = at


def replied(letter: Letter) -> bool:
    """Yes when a reply came back, or the constituent said YES; ACK (an acknowledgement) counts as no."""
    return letter.first_reply_at is not None or letter.answer == YES


def questionnaire_answer(text: str) -> str | None:
    """The answer on the first line that says anything.

    >>> questionnaire_answer("Yes, on the 3rd"), questionnaire_answer("> quoted\\nACK"), questionnaire_answer("Maybe")
    ('yes', None, None)
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    match = _ANSWER.match(first)
    return match[1].lower() if match else None


def send_letter_questionnaires(context: Context) -> int:
    """The periodic job: questionnaires and reminders now due. Returns how many were queued."""
    from processors.letters.writing import SENT  # writing imports replies, which imports this module

    now = context.clock.now()
    with Session(context.engine, expire_on_commit=False) as session:
        due = session.exec(select(Thread, Letter).join(Letter, col(Letter.thread_id) == Thread.id).where(
            Thread.kind == ThreadKindName.LETTER, Thread.state == SENT, col(Letter.first_reply_at).is_(None),
            Letter.answer == "", Letter.questionnaires_sent < MAX_QUESTIONNAIRES,
            col(Thread.sent_at) <= now - QUESTIONNAIRE_AFTER)).all()
        sent = 0
        for thread, letter in due:
            if letter.questionnaire_sent_at is not None and \
                    letter.questionnaire_sent_at > now - QUESTIONNAIRE_REMINDER_AFTER:
                continue
            assert thread.id is not None and thread.sent_at is not None
            queue_mail(session, context, MailSpec(
                dedupe_key=f"letter-questionnaire:{thread.id}:{letter.questionnaires_sent + 1}",
                kind="letter_questionnaire", to=thread.citizen_email, thread_id=thread.id,
                from_address=context.addresses.citizen_facing(thread.id), from_name=context.config.service_name,
                values={"thread": thread, "representative": session.get(Counterpart, thread.counterpart_id),
                        "reminder": letter.questionnaires_sent > 0, "days": (now - thread.sent_at).days}))
            letter.questionnaires_sent += 1
            letter.questionnaire_sent_at = now
            sent += 1
        commit_and_send(session, context)
    return sent


def take_answer(delivery: Delivery, thread: Thread, letter: Letter) -> str | None:
    """The constituent's answer to the questionnaire, recorded; None when the mail is no answer."""
    understood = delivery.understood
    if letter.questionnaires_sent == 0 or letter.answer:
        return None
    answer = questionnaire_answer(understood.new_text)
    if answer is None:
        return None
    if understood.loop_risk or understood.kind != "human":
        return f"automatic mail to letter {thread.id}'s constituent address looks like {answer.upper()}; not counted"
    if delivery.trust == SenderTrust.FAIL or \
            (understood.from_address or "").lower() != thread.citizen_email.lower():
        return (f"a questionnaire answer {answer.upper()} for letter {thread.id} not from its constituent "
                "(another From:, or a fail verdict); not counted")
    letter.answer = answer
    return f"questionnaire for letter {thread.id} answered {answer.upper()}"
