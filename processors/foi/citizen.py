"""The citizen replies to a notification: a follow-up to send to the authority, a classification, or both.

Only the requester may do this: one of the From: addresses must be theirs. Then the
sender-trust verdict decides (processors/trust/): when it is fail, nothing is acted on
until the requester confirms by replying to a challenge mailed to their registered address;
a withdrawal always needs that confirmation, whatever the verdict.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from processors.context import Context
from processors.foi.loop_guard import guard_follow_up
from processors.kinds import HoldForOperator, NeedsConfirmation
from processors.mail_out import MailSpec, queue_mail
from processors.public_view import Redactor, fill_public_fields
from processors.threads import latest_message_ids, record_incoming
from processors.understanding import Understood
from store.foi_states import FoiState, classification, state_label
from store.models import Counterpart, InboundMessage, Thread, ThreadMessage
from store.states import SenderTrust

if TYPE_CHECKING:
    from processors.routing import Delivery

STATUS_LINE = re.compile(r"^\s*status\s*[:=]\s*(?P<value>[\w -]+?)\s*$", re.IGNORECASE | re.MULTILINE)


class NotTheRequester(HoldForOperator):
    """A follow-up that is not from the requester's address."""


def split_status(text: str) -> tuple[list[str], str]:
    """(states named by `status:` lines, the rest of the text).

    >>> states, rest = split_status("status: successful\\nThanks!")
    >>> [str(state) for state in states], rest
    (['successful'], 'Thanks!')
    """
    states = [s for s in (classification(m.group("value")) for m in STATUS_LINE.finditer(text)) if s]
    rest = STATUS_LINE.sub("", text).strip()
    return states, rest


def citizen_reply(delivery: Delivery, thread: Thread) -> str:
    session, context, inbound, understood = delivery.session, delivery.context, delivery.inbound, delivery.understood
    if understood.loop_risk or understood.kind != "human":
        # e.g. the citizen's own out-of-office answering our notification: keep it, privately.
        record_incoming(session, context, thread, inbound, understood, hidden=True)
        return f"{understood.kind} from the citizen's side kept privately in thread {thread.id}"
    if thread.citizen_email.lower() not in delivery.from_addresses():
        sender = understood.from_address or "nobody"
        raise NotTheRequester(f"follow-up to request {thread.id} is from <{sender}>, not from the requester")
    states, text = split_status(understood.new_text)
    if not delivery.confirmed:
        if FoiState.USER_WITHDRAWN in states:
            raise NeedsConfirmation(f"withdraw request {thread.id}")
        if delivery.trust == SenderTrust.FAIL:
            raise NeedsConfirmation(f"mark request {thread.id} as {state_label(states[-1])}" if states
                                    else f"send a follow-up to request {thread.id} to the authority")
    if not states:
        if not text:
            return f"empty reply to request {thread.id}; nothing to do"
        guard_follow_up(session, context, thread, inbound, understood, text, follow_up_key(thread, inbound, understood))
        send_follow_up(session, context, thread, inbound, understood, text)
        return f"follow-up sent to the authority of request {thread.id}"
    thread.state = states[-1]
    thread.awaiting_classification = False
    thread.last_activity_at = context.clock.now()
    note = f"request {thread.id} classified as {thread.state}"
    if text:
        # A classification writes to nobody: the words beside it stay on the thread, as the
        # requester's note, and only a mail without a status line is a follow-up.
        record_incoming(session, context, thread, inbound, replace(understood, new_text=text), kind="note")
        note += "; the rest kept as the requester's note"
    return note


def follow_up_key(thread: Thread, inbound: InboundMessage, understood: Understood) -> str:
    # Keyed by the citizen's own Message-ID when there is one, so a resend is sent once.
    return f"follow-up:{thread.id}:{understood.message_id}" if understood.message_id else f"follow-up:{inbound.id}"


def send_follow_up(session: Session, context: Context, thread: Thread, inbound: InboundMessage,
                   understood: Understood, text: str) -> None:
    authority = session.get(Counterpart, thread.counterpart_id)
    in_reply_to, references = latest_message_ids(session, thread)
    request_address = context.addresses.authority_facing(thread.id)
    outbox = queue_mail(session, context, MailSpec(
        dedupe_key=follow_up_key(thread, inbound, understood), kind="foi_follow_up", to=authority.email, thread_id=thread.id,
        from_address=request_address, from_name=thread.citizen_name, written_by_a_person=True,
        in_reply_to=in_reply_to, references=references,
        values={"thread": thread, "text": text, "request_address": request_address,
                "internal_review": thread.state == "internal_review"}))
    if session.exec(select(ThreadMessage.id).where(ThreadMessage.outbox_id == outbox.id)).first() is not None:
        return  # a resend of a follow-up already sent: nothing new
    message = ThreadMessage(thread_id=thread.id, inbound_id=inbound.id, outbox_id=outbox.id, direction="outgoing",
                            kind="follow_up", from_name=thread.citizen_name, subject=outbox.subject, body_text=text,
                            quoted_text=understood.quoted_text, message_id_header=outbox.message_id_header,
                            arrived_at=outbox.created_at, sent_at=outbox.created_at)
    fill_public_fields(message, Redactor(session, context, thread))
    session.add(message)
    thread.last_activity_at = context.clock.now()
    if thread.state not in ("internal_review", "waiting_clarification"):
        thread.state = "waiting_response"
