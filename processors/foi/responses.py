"""An authority's mail arrives in a request thread: record it, and tell the citizen if a person wrote it."""
from __future__ import annotations

from sqlmodel import Session

from processors.context import Context
from processors.foi.loop_guard import guard_notification
from processors.foi.requests import thread_url
from processors.mail_out import MailSpec, queue_mail
from processors.threads import record_incoming
from processors.understanding import Understood
from store.models import Counterpart, InboundMessage, Thread, ThreadMessage


def receive_response(session: Session, context: Context, thread: Thread, inbound: InboundMessage,
                     understood: Understood, by_an_operator: bool = False) -> str:
    message = record_incoming(session, context, thread, inbound, understood)
    if message is None:
        return f"inbound {inbound.id} already in thread {thread.id}"
    if message.kind == "reply":
        if not by_an_operator:  # an operator's assignment is no automatic forward
            guard_notification(session, context, thread, message)
        # A human answer: the citizen should say what it amounted to.
        thread.awaiting_classification = thread.kind == "foi"
        notify_citizen_of_response(session, context, thread, message)
    elif message.kind == "bounce":
        tell_citizen_delivery_failed(session, context, thread, f"inbound:{inbound.id}",
                                     understood.bounce.status if understood.bounce else None)
    return f"{message.kind} recorded in thread {thread.id} as message {message.id}"


def notify_citizen_of_response(session: Session, context: Context, thread: Thread, message: ThreadMessage) -> None:
    authority = session.get(Counterpart, thread.counterpart_id) if thread.counterpart_id else None
    queue_mail(session, context, MailSpec(
        dedupe_key=f"response:{message.id}", kind="foi_response", to=thread.citizen_email, thread_id=thread.id,
        from_address=context.addresses.citizen_facing(thread.id), from_name=context.config.service_name,
        values={"thread": thread, "authority": authority, "message": message, "url": thread_url(context, thread)}))


def tell_citizen_delivery_failed(session: Session, context: Context, thread: Thread, key: str,
                                 status: str | None) -> None:
    thread.state = "error_message"
    authority = session.get(Counterpart, thread.counterpart_id) if thread.counterpart_id else None
    queue_mail(session, context, MailSpec(
        dedupe_key=f"bounced:{key}", kind="foi_bounced", to=thread.citizen_email, thread_id=thread.id,
        from_address=context.addresses.citizen_facing(thread.id), from_name=context.config.service_name,
        values={"thread": thread, "authority": authority, "status": status, "url": thread_url(context, thread)}))
