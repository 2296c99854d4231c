"""A bounce arrived at a VERP address: mark that outbox row failed and tell whoever needs to know."""
from __future__ import annotations

from sqlmodel import Session

from processors.alerts.bounced import DIGEST_KINDS, digest_bounced
from processors.context import Context
from processors.foi.responses import tell_citizen_delivery_failed
from processors.letters.replies import LETTER_DELIVERY, tell_constituent_letter_bounced
from processors.reports.bounced import TO_BODIES, report_bounced
from processors.threads import record_incoming
from processors.understanding import Understood
from store.models import InboundMessage, Outbox, Thread
from store.states import OutboxState

# Mail kinds that went to the authority on the citizen's behalf: if they bounce,
# the citizen must hear about it. Bounces of mail *to* the citizen tell nobody.
TO_AUTHORITY = ("foi_request", "foi_follow_up")


def receive_bounce(session: Session, context: Context, outbox_id: int, inbound: InboundMessage,
                   understood: Understood) -> str:
    outbox = session.get(Outbox, outbox_id)
    if outbox is None:
        return f"bounce for unknown outbox row {outbox_id}"
    if understood.kind != "bounce" or (understood.bounce and not understood.bounce.permanent):
        return f"outbox {outbox_id}: {understood.kind} at the bounce address (not a permanent failure); kept"
    status = understood.bounce.status if understood.bounce else None
    outbox.state = OutboxState.FAILED
    outbox.last_error = f"bounced: {status or 'permanent failure'} ({understood.kind_reason})"[:5000]
    if outbox.kind in DIGEST_KINDS:
        return digest_bounced(session, context, outbox, understood, status)
    if outbox.thread_id is None or outbox.kind not in TO_AUTHORITY + TO_BODIES + (LETTER_DELIVERY,):
        return f"outbox {outbox_id} ({outbox.kind}) bounced"
    thread = session.get(Thread, outbox.thread_id)
    if outbox.kind in TO_BODIES:
        return report_bounced(session, context, thread, outbox, inbound, understood, status)
    record_incoming(session, context, thread, inbound, understood, kind="bounce")
    if outbox.kind == LETTER_DELIVERY:
        tell_constituent_letter_bounced(session, context, thread, f"outbox:{outbox_id}")
        return f"outbox {outbox_id} (a letter) bounced; constituent of letter {thread.id} told"
    tell_citizen_delivery_failed(session, context, thread, f"outbox:{outbox_id}", status)
    return f"outbox {outbox_id} ({outbox.kind}) bounced; citizen of thread {thread.id} told"
