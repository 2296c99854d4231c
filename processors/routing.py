"""Route each recipient of an inbound message to its rule; what nobody claims is held.

The shared rows of the route table have their rules here (thread addresses, VERP
bounces, the general address, the mailboxes kept for an operator); what a message
to a thread's address means is asked of the thread's kind, and a kind's own
addresses come with their own rules (processors/kinds.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

from sqlmodel import Session, select

from processors.alerts import complaints, subscribing
from processors.bounces import receive_bounce
from processors.context import Context
from processors.holding_pen import hold, resolve
from processors.kinds import HoldForOperator, NeedsConfirmation, RouteRule
from processors.threads import counterpart_domains, thread_by_references, thread_for_route
from processors.trust import challenge
from processors.trust.verdict import HEADER_BYTES
from processors.understanding import Understood, understand
from store.addresses.posting import why_closed
from store.addresses.routes import Route, RouteName
from store.models import Challenge, HeldMessage, InboundMessage
from store.states import ChallengeState, SenderTrust


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
    confirmed: bool = False  # replayed after the registered address answered a challenge (processors/trust/)

    @property
    def trust(self) -> SenderTrust:
        """The sender-trust verdict judged when processing began (processors/trust/verdict.py)."""
        return SenderTrust(self.inbound.sender_trust or SenderTrust.UNKNOWN)

    def from_addresses(self) -> list[str]:
        """Every address in every From: header (the verdict is fail when there is not exactly one)."""
        headers = BytesHeaderParser(policy=compat32).parsebytes(self.inbound.raw[:HEADER_BYTES], headersonly=True)
        return [address.lower() for _, address in getaddresses([str(v) for v in headers.get_all("From") or []])]

    def hold(self, recipient: str, reason: str, candidates: list[int] = ()) -> None:
        hold(self.session, self.inbound, recipient, reason, self.understood, candidates)
        self.outcome.held = True
        self.outcome.notes.append(f"held {recipient}: {reason}")


def on_thread_address(delivery: Delivery, route: Route) -> None:
    match = thread_for_route(delivery.session, delivery.context, route, delivery.understood)
    if match.thread is None:
        return delivery.hold(route.address, match.how, match.candidates)
    thread = match.thread
    closed = why_closed(thread.id, thread.title, thread.who_may_post, thread.state,
                        counterpart_domains(delivery.session, thread), route.name, delivery.inbound.mail_from)
    if closed:
        # RCPT normally refuses these; this catches a thread closed while the mail was in flight.
        return delivery.hold(route.address, closed, [thread.id])
    kind = delivery.context.kinds[thread.kind]
    rule = {RouteName.CONFIRM: kind.on_confirm, RouteName.THREAD_CITIZEN: kind.on_requester}.get(
        route.name, kind.on_counterpart)
    try:
        note = rule(delivery, thread)
    except HoldForOperator as refusal:
        return delivery.hold(route.address, str(refusal), [thread.id])
    except NeedsConfirmation as action:
        return delivery.hold(route.address, challenge.ask(delivery, thread, route.address, str(action)), [thread.id])
    if match.how != "token":
        note += f" (matched by {match.how})"
    delivery.outcome.notes.append(note)


def on_bounce(delivery: Delivery, route: Route) -> None:
    if complaints.is_complaint(delivery.inbound.raw):
        done = complaints.unsubscribe_complainer(delivery.session, delivery.context, delivery.inbound.raw)
        if done:
            return delivery.outcome.notes.append(done)
    delivery.outcome.notes.append(receive_bounce(delivery.session, delivery.context, route.param_int("outbox_id"),
                                                 delivery.inbound, delivery.understood))


def on_general(delivery: Delivery, route: Route) -> None:
    thread = thread_by_references(delivery.session, delivery.understood)
    if thread is None:
        return delivery.hold(route.address, f"mail to the general address {route.address} names no request")
    if (delivery.understood.from_address or "").lower() == thread.citizen_email.lower():
        # The requester's own words are never published as the authority's answer.
        return delivery.hold(route.address, f"the requester of request {thread.id} wrote to the general "
                             "address; an operator decides what to do with it", [thread.id])
    try:
        note = delivery.context.kinds[thread.kind].on_counterpart(delivery, thread)
    except HoldForOperator as refusal:
        return delivery.hold(route.address, str(refusal), [thread.id])
    delivery.outcome.notes.append(note + " (matched by references)")


def on_challenge(delivery: Delivery, route: Route) -> None:
    """The registered address answers a challenge: replay the held message, confirmed."""
    session, context = delivery.session, delivery.context
    asked = session.get(Challenge, int(route.params["challenge_id"]))
    refused = challenge.why_not_confirmed(delivery, asked)
    if refused:
        delivery.outcome.notes.append(refused)
        return
    held = session.get(InboundMessage, asked.inbound_id)
    replay = Delivery(session, context, held, understand(held.raw, envelope_from=held.mail_from), Outcome(),
                      confirmed=True)
    held_route = context.addresses.resolve(asked.held_address)
    rules(context)[held_route.name](replay, held_route)
    if replay.outcome.held:  # held again for another reason (the thread closed meanwhile...): still waiting
        delivery.outcome.notes.append(f"challenge {asked.id} answered; " + "; ".join(replay.outcome.notes))
        return
    asked.state, asked.resolved_at = ChallengeState.CONFIRMED, context.clock.now()
    entry = session.exec(select(HeldMessage).where(HeldMessage.inbound_id == held.id,
                                                   HeldMessage.recipient == asked.held_address)).first()
    if entry is not None and entry.state == "held":
        resolve(session, context, entry, "assigned", asked.thread_id)
    delivery.outcome.notes.append(f"challenge {asked.id} confirmed: " + "; ".join(replay.outcome.notes))


def for_an_operator(delivery: Delivery, route: Route) -> None:
    delivery.hold(route.address, f"mail for {route.address}, kept for an operator")


def on_role_address(delivery: Delivery, route: Route) -> None:
    """postmaster@, abuse@: a feedback-loop complaint about a digest unsubscribes; the rest is kept for an operator."""
    if complaints.is_complaint(delivery.inbound.raw):
        done = complaints.unsubscribe_complainer(delivery.session, delivery.context, delivery.inbound.raw)
        if done:
            return delivery.outcome.notes.append(done)
    for_an_operator(delivery, route)


# The rules of the shared rows; every kind adds those of its own (KindRegistry.route_rules).
SHARED_RULES: dict[str, RouteRule] = {
    RouteName.THREAD_AUTHORITY: on_thread_address,
    RouteName.THREAD_CITIZEN: on_thread_address,
    RouteName.CONFIRM: on_thread_address,
    RouteName.CHALLENGE: on_challenge,
    RouteName.BOUNCE: on_bounce,
    RouteName.GENERAL: on_general,
    RouteName.SUBSCRIBE: subscribing.on_subscribe,
    RouteName.FOLLOW: subscribing.on_confirm,
    RouteName.ALERTS: subscribing.on_reply,
    RouteName.UNSUBSCRIBE: subscribing.on_unsubscribe,
    RouteName.POSTMASTER: on_role_address,
}


def rules(context: Context) -> dict[str, RouteRule]:
    return SHARED_RULES | context.kinds.route_rules()


def routes_of(context: Context, inbound: InboundMessage, understood: Understood) -> list[Route]:
    """Envelope recipients first; To/Cc thread addresses only when the envelope named no thread
    (mail relayed to a general address or forwarded by a mailing system)."""
    book, table = context.addresses, context.addresses.routes
    routes = [r for r in (book.resolve(address) for address in inbound.rcpt_to) if r is not None]
    if not any(table.names_thread(r.name) or r.name == RouteName.BOUNCE for r in routes):
        for address in understood.to + understood.cc:
            route = book.resolve(address)
            if route is not None and table.names_thread(route.name):
                routes.insert(0, route)
                routes = [r for r in routes if r.name != RouteName.GENERAL]
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
    routes = routes_of(context, inbound, understood)
    if not routes:
        for address in inbound.rcpt_to or ["(no recipient)"]:
            delivery.hold(address, "no recipient address is one of ours any more")
    by_name = rules(context)
    for route in routes:
        by_name[route.name](delivery, route)
    return outcome
