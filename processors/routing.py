"""Route each recipient of an inbound message to its handler; what nobody claims is held.

The handlers, one per route name, in the order of the route table:
thread_authority, thread_citizen, confirm, bounce, new_foi, subscribe, new_report, general, postmaster.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Callable

from sqlmodel import Session

from store.addresses.posting import why_closed
from store.addresses.routes import THREAD_ROUTES, Route, resolve
from processors.bounces import receive_bounce
from processors.context import Context
from processors.foi.citizen import NotTheRequester, citizen_reply
from processors.foi.requests import confirm_by_email, new_request_by_email
from processors.foi.responses import receive_response
from processors.holding_pen import hold
from processors.threads import thread_by_references, thread_for_route
from processors.understanding import Understood
from store.models import Authority, InboundMessage


@dataclass
class Outcome:
    held: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Delivery:
    session: Session
    context: Context
    inbound: InboundMessage
    understood: Understood
    outcome: Outcome

    def hold(self, recipient: str, reason: str, candidates: list[int] = ()) -> None:
        hold(self.session, self.inbound, recipient, reason, self.understood, candidates)
        self.outcome.held = True
        self.outcome.notes.append(f"held {recipient}: {reason}")


def on_thread_address(delivery: Delivery, route: Route) -> None:
    match = thread_for_route(delivery.session, delivery.context, route, delivery.understood)
    if match.thread is None:
        return delivery.hold(route.address, match.how, match.candidates)
    thread = match.thread
    authority = delivery.session.get(Authority, thread.authority_id) if thread.authority_id else None
    closed = why_closed(thread.id, thread.title, thread.who_may_post, thread.state,
                        authority.email_domain if authority else None, route.name, delivery.inbound.mail_from)
    if closed:
        # RCPT normally refuses these; this catches a thread closed while the mail was in flight.
        return delivery.hold(route.address, closed, [thread.id])
    if route.name == "confirm":
        note = confirm_by_email(delivery.session, delivery.context, thread, delivery.understood)
    elif route.name == "thread_citizen":
        try:
            note = citizen_reply(delivery.session, delivery.context, thread, delivery.inbound, delivery.understood,
                                 authentication_results(delivery.inbound.raw))
        except NotTheRequester as refusal:
            return delivery.hold(route.address, str(refusal), [thread.id])
    else:
        note = receive_response(delivery.session, delivery.context, thread, delivery.inbound, delivery.understood)
    if match.how != "token":
        note += f" (matched by {match.how})"
    delivery.outcome.notes.append(note)


def on_bounce(delivery: Delivery, route: Route) -> None:
    delivery.outcome.notes.append(receive_bounce(delivery.session, delivery.context, route.param_int("outbox_id"),
                                                 delivery.inbound, delivery.understood))


def on_new_foi(delivery: Delivery, route: Route) -> None:
    delivery.outcome.notes.append(new_request_by_email(delivery.session, delivery.context, delivery.inbound,
                                                       delivery.understood, route.params["authority"]))


def on_general(delivery: Delivery, route: Route) -> None:
    thread = thread_by_references(delivery.session, delivery.understood)
    if thread is None:
        return delivery.hold(route.address, f"mail to the general address {route.address} names no request")
    if (delivery.understood.from_address or "").lower() == thread.citizen_email.lower():
        # The requester's own words are never published as the authority's answer.
        return delivery.hold(route.address, f"the requester of request {thread.id} wrote to the general "
                             "address; an operator decides what to do with it", [thread.id])
    note = receive_response(delivery.session, delivery.context, thread, delivery.inbound, delivery.understood)
    delivery.outcome.notes.append(note + " (matched by references)")


def for_an_operator(delivery: Delivery, route: Route) -> None:
    delivery.hold(route.address, f"mail for {route.address}, kept for an operator")


HANDLERS: dict[str, Callable[[Delivery, Route], None]] = {
    "thread_authority": on_thread_address,
    "thread_citizen": on_thread_address,
    "confirm": on_thread_address,
    "bounce": on_bounce,
    "new_foi": on_new_foi,
    "general": on_general,
    "subscribe": for_an_operator,
    "new_report": for_an_operator,
    "postmaster": for_an_operator,
}


def routes_of(inbound: InboundMessage, understood: Understood, domain: str) -> list[Route]:
    """Envelope recipients first; To/Cc thread addresses only when the envelope named no thread
    (mail relayed to a general address or forwarded by a mailing system)."""
    routes = [r for r in (resolve(address, domain) for address in inbound.rcpt_to) if r is not None]
    if not any(r.name in THREAD_ROUTES or r.name == "bounce" for r in routes):
        for address in understood.to + understood.cc:
            route = resolve(address, domain)
            if route is not None and route.name in THREAD_ROUTES:
                routes.insert(0, route)
                routes = [r for r in routes if r.name not in ("general",)]
    unique: dict[str, Route] = {}
    for route in routes:
        unique.setdefault(route.address, route)
    return list(unique.values())


def route_recipients(session: Session, context: Context, inbound: InboundMessage, understood: Understood) -> Outcome:
    outcome = Outcome()
    delivery = Delivery(session, context, inbound, understood, outcome)
    if understood.parse_failed:
        for address in inbound.rcpt_to or ["(no recipient)"]:
            delivery.hold(address, "could not be parsed: " + "; ".join(understood.notes))
        return outcome
    routes = routes_of(inbound, understood, context.settings.domain)
    if not routes:
        for address in inbound.rcpt_to or ["(no recipient)"]:
            delivery.hold(address, "no recipient address is one of ours any more")
    for route in routes:
        HANDLERS[route.name](delivery, route)
    return outcome


def authentication_results(raw: bytes) -> list[str]:
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:65536], headersonly=True)
    return [str(value) for value in headers.get_all("Authentication-Results") or []]
