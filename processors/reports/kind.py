"""The problem report as a kind of thread: report@ starts one, report-ID-TOKEN@ is where the bodies
answer, and the reporter's replies complete a draft, confirm it, or add updates."""
from __future__ import annotations

from typing import TYPE_CHECKING

from processors.kinds import ThreadKind
from processors.reports.by_email import confirmation, draft_answer, new_report
from processors.reports.sending import REPORT_ROUTE
from processors.reports.updates import from_the_body, from_the_reporter, is_sent
from store.addresses.routes import Route, RouteName, RoutePattern
from store.report_states import ReportState
from store.states import ThreadKindName

if TYPE_CHECKING:
    from processors.routing import Delivery
    from store.models import Thread


def on_report_address(delivery: Delivery, route: Route) -> None:
    from processors.routing import on_thread_address  # the shared rule: token, typo, references, closed

    on_thread_address(delivery, route)


def from_the_reporter_side(delivery: Delivery, thread: Thread) -> str:
    return from_the_reporter(delivery, thread) if is_sent(thread) else draft_answer(delivery, thread)


def new_report_rule(delivery: Delivery, route: Route) -> None:
    delivery.outcome.notes.append(new_report(delivery))


REPORT = ThreadKind(
    name=ThreadKindName.REPORT, states=ReportState, on_counterpart=from_the_body,
    on_requester=from_the_reporter_side, on_confirm=confirmation,
    routes=(RoutePattern(REPORT_ROUTE, "a body's reply to a problem report (the address the report was sent "
                         "from)", prefix="report", param="thread_id", purpose="report", names_thread=True),),
    route_rules={REPORT_ROUTE: on_report_address, RouteName.NEW_REPORT: new_report_rule}, noun="report")
