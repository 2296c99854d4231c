"""Mail to a letter's address (letter-ID-TOKEN@): the representative's answer, forwarded privately to
the constituent; an auto-reply is forwarded marked as automatic; a bounce tells the constituent.
Never published: the thread is private and the archive publishes no letter (web_archive/source.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

from processors.context import Context
from processors.kinds import HoldForOperator
from processors.letters.responsiveness import count_reply, take_answer
from processors.letters.retention import remember_inbound
from processors.mail_out import MailSpec, queue_mail
from processors.threads import record_incoming
from store.models import Counterpart, Thread
from store.representatives import Letter

if TYPE_CHECKING:
    from processors.routing import Delivery

REPLIED = "replied"
BOUNCED = "bounced"
LETTER_DELIVERY = "letter_delivery"  # the template, hence the outbox kind, of a letter to its representative


def from_the_representative(delivery: Delivery, thread: Thread) -> str:
    session, context = delivery.session, delivery.context
    message = record_incoming(session, context, thread, delivery.inbound, delivery.understood)
    if message is None:
        return f"inbound {delivery.inbound.id} already in letter {thread.id}"
    representative = session.get(Counterpart, thread.counterpart_id)
    if message.kind in ("reply", "auto_reply"):
        if message.kind == "reply":  # counted; an auto-reply is not (nor a bounce, below)
            thread.state = REPLIED
            letter = session.get(Letter, thread.id)
            assert letter is not None
            count_reply(letter, context.clock.now())
        thread.last_activity_at = context.clock.now()
        queue_mail(session, context, MailSpec(
            dedupe_key=f"letter-reply:{message.id}", kind="letter_reply", to=thread.citizen_email,
            thread_id=thread.id, from_address=context.addresses.citizen_facing(thread.id),
            from_name=context.config.service_name,
            values={"thread": thread, "representative": representative, "message": message,
                    "automatic": message.kind == "auto_reply"}))
    elif message.kind == "bounce":
        tell_constituent_letter_bounced(session, context, thread, f"message:{message.id}")
    return f"{message.kind} recorded in letter {thread.id} as message {message.id}"


def tell_constituent_letter_bounced(session: Session, context: Context, thread: Thread, key: str) -> None:
    """The letter did not reach the representative: the constituent is told, with a copy of it (they may
    send it by post). The failed outbox row is what `mailgate status` shows an operator."""
    thread.state = BOUNCED
    queue_mail(session, context, MailSpec(
        dedupe_key=f"letter-bounced:{key}", kind="letter_bounced", to=thread.citizen_email, thread_id=thread.id,
        from_address=context.addresses.citizen_facing(thread.id), from_name=context.config.service_name,
        values={"thread": thread, "representative": session.get(Counterpart, thread.counterpart_id)}))


def from_the_constituent(delivery: Delivery, thread: Thread) -> str:
    letter = delivery.session.get(Letter, thread.id)
    if letter is not None:
        remember_inbound(letter, delivery.inbound.id)  # it may quote the letter: deleted with it
    answered = take_answer(delivery, thread, letter) if letter is not None else None
    if answered is not None:
        return answered
    raise HoldForOperator(f"the constituent of letter {thread.id} replied to a notification; follow-ups to a "
                          "representative are not built yet, so an operator decides")
