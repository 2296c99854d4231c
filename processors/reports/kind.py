"""The problem report as a kind of thread: report@ starts one, report-ID-TOKEN@ is where each body
answers (an address per body per report), and the reporter's replies complete a draft, confirm it, or add updates."""
from __future__ import annotations

from typing import TYPE_CHECKING

from processors.kinds import HoldForOperator, ThreadKind
from processors.reports.by_email import confirmation, draft_answer, new_report
from processors.reports.sending import REPORT_ROUTE
from processors.reports.updates import from_the_body, from_the_reporter, is_sent
from processors.threads import counterpart_domains
from store.addresses.posting import why_closed
from store.addresses.routes import Route, RouteName, RoutePattern
from store.models import ReportRecipient, Thread
from store.report_states import ReportState
from store.states import ThreadKindName

if TYPE_CHECKING:
    from processors.routing import Delivery


def on_report_address(delivery: Delivery, route: Route) -> None:
    """report-ID-TOKEN@: one body's replies to one report (RCPT checked the token)."""
    session = delivery.session
    recipient = session.get(ReportRecipient, route.param_int("recipient_id"))
    thread = session.get(Thread, recipient.thread_id) if recipient is not None else None
    if recipient is None or thread is None:
        return delivery.hold(route.address, f"<{route.address}> names no report a body was sent")
    closed = why_closed(thread.id, thread.title, thread.who_may_post, thread.state,
                        counterpart_domains(session, thread), RouteName.THREAD_AUTHORITY, delivery.inbound.mail_from)
    if closed:  # the gateway asks no store for this address: a closed report is held here, never bounced
        return delivery.hold(route.address, closed, [thread.id])
    try:
        delivery.outcome.notes.append(from_the_body(delivery, thread, recipient.counterpart_id))
    except HoldForOperator as refusal:
        delivery.hold(route.address, str(refusal), [thread.id])


def from_a_body(delivery: Delivery, thread: Thread) -> str:
    """A body's mail that found the report another way (In-Reply-To at the general address)."""
    return from_the_body(delivery, thread, None)


def from_the_reporter_side(delivery: Delivery, thread: Thread) -> str:
    return from_the_reporter(delivery, thread) if is_sent(thread) else draft_answer(delivery, thread)


def new_report_rule(delivery: Delivery, route: Route) -> None:
    delivery.outcome.notes.append(new_report(delivery))


REPORT = ThreadKind(
    name=ThreadKindName.REPORT, states=ReportState, on_counterpart=from_a_body,
    on_requester=from_the_reporter_side, on_confirm=confirmation,
    routes=(RoutePattern(REPORT_ROUTE, "one body's replies to a problem report (the address the report was sent "
                         "to that body from)", prefix="report", param="recipient_id", purpose="report"),),
    route_rules={REPORT_ROUTE: on_report_address, RouteName.NEW_REPORT: new_report_rule}, noun="report")
