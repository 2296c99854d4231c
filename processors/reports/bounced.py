"""A report's mail to a body bounced: shown in the thread, marked; the reporter is told, and an
operator (in the holding pen) looks for a working address. The report's state does not change."""
from __future__ import annotations

from sqlmodel import Session

from processors.context import Context
from processors.holding_pen import hold
from processors.mail_out import MailSpec, queue_mail
from processors.threads import record_incoming
from processors.understanding import Understood
from store.models import InboundMessage, Outbox, Thread
from store.public_urls import public_url, thread_path

TO_BODIES = ("report_to_body",)


def report_bounced(session: Session, context: Context, thread: Thread, outbox: Outbox, inbound: InboundMessage,
                   understood: Understood, status: str | None) -> str:
    record_incoming(session, context, thread, inbound, understood, kind="bounce")
    queue_mail(session, context, MailSpec(
        dedupe_key=f"report-bounced:{outbox.id}", kind="report_bounced", to=thread.citizen_email, thread_id=thread.id,
        from_address=context.addresses.citizen_facing(thread.id), from_name=context.config.service_name,
        values={"thread": thread, "status": status, "url": public_url(context.config.site_url, thread_path(thread.id))}))
    hold(session, inbound, outbox.envelope_from or outbox.to_address,
         f"report {thread.id}: its mail to <{outbox.to_address}> bounced ({status or 'permanent failure'}); "
         "find the body a working address (mailgate import contacts)", understood, [thread.id])
    return f"outbox {outbox.id} (report to a body) bounced; reporter of report {thread.id} and the operator told"
