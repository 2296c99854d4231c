"""Alerts by email: subscribe@ asks (pending), a reply to follow-ID-TOKEN@ confirms, and the
subscriber stops them by replying `stop N`/`stop all` to alerts-ID-TOKEN@ or by any mail to the
List-Unsubscribe address unsubscribe-ID-TOKEN@.

Anyone can write any From:, so the confirmation goes through the gate for mail to strangers
(processors/strangers.py: none on a fail verdict or to automatic mail, one an hour to an address,
a daily cap per client) and names what is followed only in our cleaned form: a public thread's
title as short_title gives it, a slug that exists, words of letters and digits. Nothing is sent to
an address until it replies: an unconfirmed alert expires after CONFIRM_DAYS.
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, update
from sqlmodel import Session, select

from processors.alerts.asking import Refused, Wanted, read_mail
from processors.mail_out import MailSpec
from processors.places.lookup import PlaceNotFound, find_place
from processors.strangers import queue_mail_to_stranger, refusal, short_title
from store.addresses.routes import Route, RouteName
from store.models import Alert, BodyArea, Counterpart, Subscriber, Thread
from store.states import AlertState, AlertTarget, SenderTrust

if TYPE_CHECKING:
    from processors.context import Context
    from processors.routing import Delivery

CONFIRM_DAYS = 7
PENDING_PER_ADDRESS = 10   # unconfirmed alerts one address may have: a flood makes no more
ACTIVE_PER_ADDRESS = 50


def on_subscribe(delivery: Delivery, route: Route) -> None:
    delivery.outcome.notes.append(subscribe(delivery))


def subscribe(delivery: Delivery) -> str:
    """A mail to subscribe@: pending alerts and one confirmation (or one answer saying what was wrong)."""
    session, context, understood = delivery.session, delivery.context, delivery.understood
    email = (understood.from_address or "").lower()
    if not email:
        return "subscribe without a usable From address; nothing to answer"
    refused = refusal(delivery, email)
    if refused:  # forged, automatic or too frequent: no alert either (nobody could confirm it)
        return f"mail to subscribe@: {refused}"
    done = session.exec(select(Alert.id).where(Alert.inbound_id == delivery.inbound.id)).first()
    if done is not None:
        return f"inbound {delivery.inbound.id} already asked for alert {done}"
    wanted, refusals = read_mail(understood.subject, understood.new_text)
    found: list[tuple[Wanted, str, str]] = []  # (what, value as stored, label)
    for want in wanted:
        checked = _checked(session, want)
        if isinstance(checked, Refused):
            refusals.append(checked)
        else:
            found.append((want, *checked))
    subscriber = _subscriber(session, email)
    pending = _count(session, subscriber, AlertState.PENDING)
    if found and pending + len(found) > PENDING_PER_ADDRESS:
        return f"not starting alerts for <{email}>: {pending} unconfirmed already"
    if found and _count(session, subscriber, AlertState.ACTIVE) + len(found) > ACTIVE_PER_ADDRESS:
        refusals.append(Refused(f"an address may follow at most {ACTIVE_PER_ADDRESS} things"))
        found = []
    service = context.config.service_name
    if not found:
        not_sent = queue_mail_to_stranger(delivery, MailSpec(
            dedupe_key=f"alert-unknown:{delivery.inbound.id}", kind="alert_unknown", to=email,
            from_address=context.addresses.service(RouteName.SUBSCRIBE), from_name=service,
            values={"reasons": sorted({r.reason for r in refusals})}))
        return f"mail to subscribe@ from <{email}> asked for nothing we can follow" + (
            f"; no answer: {not_sent}" if not_sent else "")
    now = context.clock.now()
    alerts = [Alert(subscriber_id=subscriber.id, target=want.target, value=value, label=label,
                    frequency=want.frequency, inbound_id=delivery.inbound.id, created_at=now,
                    expires_at=now + timedelta(days=CONFIRM_DAYS)) for want, value, label in found]
    session.add_all(alerts)
    session.flush()
    address = context.addresses.address(RouteName.FOLLOW, alerts[0].id)
    not_sent = queue_mail_to_stranger(delivery, MailSpec(
        dedupe_key=f"alert-confirm:{alerts[0].id}", kind="alert_confirm", to=email, from_address=address,
        reply_to=address, from_name=service,
        values={"alerts": alerts, "days": CONFIRM_DAYS, "refused": sorted({r.reason for r in refusals})}))
    ids = ", ".join(str(a.id) for a in alerts)
    return f"alert(s) {ids} for <{email}> await confirmation" + (f"; no confirmation: {not_sent}" if not_sent else "")


def _checked(session: Session, want: Wanted) -> tuple[str, str] | Refused:
    """(value as stored, label in our words) for what exists and may be followed, else why not."""
    if want.target == AlertTarget.THREAD:
        thread = session.get(Thread, int(want.value))
        if thread is None or not _public(thread):
            return Refused("there is no public request or report with that number")
        return want.value, short_title(thread.title) or f"#{thread.id}"
    if want.target == AlertTarget.SEARCH:
        return want.value, want.value
    if want.target == AlertTarget.AREA and not want.value.islower():
        try:
            place = find_place(session, want.value)
        except PlaceNotFound:
            return Refused("we could not find that postcode")
        council = _council_of(session, place)
        if council is None:
            return Refused("no council we know covers that postcode")
        return council.slug, f"{council.name} ({council.slug})"
    counterpart = session.exec(select(Counterpart).where(Counterpart.slug == want.value)).first()
    if counterpart is None:
        return Refused("there is no authority or council with that short name (see the archive's authority pages)")
    if want.target == AlertTarget.AREA and session.get(BodyArea, counterpart.id) is None:
        return Refused("that council has no area we know: follow it as an authority instead")
    return counterpart.slug, f"{short_title(counterpart.name)} ({counterpart.slug})"


def _council_of(session: Session, place) -> Counterpart | None:
    """The most local body covering the place: a county lists its districts' area codes too, so the
    body claiming the fewest codes is the district (the postcode's own council)."""
    if not place.bodies:
        return None

    def breadth(body) -> int:
        area = session.get(BodyArea, body.id)
        return len(area.gss_codes or []) if area is not None else 1_000_000

    return session.get(Counterpart, min(place.bodies, key=breadth).id)


def _public(thread: Thread) -> bool:
    return thread.public and not thread.hidden and thread.state != "awaiting_confirmation" and \
        thread.kind in ("foi", "report")


def _subscriber(session: Session, email: str) -> Subscriber:
    subscriber = session.exec(select(Subscriber).where(Subscriber.email == email)).first()
    if subscriber is None:
        subscriber = Subscriber(email=email)
        session.add(subscriber)
        session.flush()
    return subscriber


def _count(session: Session, subscriber: Subscriber, state: str) -> int:
    return session.exec(select(func.count()).select_from(Alert).where(
        Alert.subscriber_id == subscriber.id, Alert.state == state)).one()


def on_confirm(delivery: Delivery, route: Route) -> None:
    """A reply to follow-ID-TOKEN@ (RCPT checked the token): every alert asked for in that mail is on."""
    session, context, understood = delivery.session, delivery.context, delivery.understood
    alert = session.get(Alert, route.param_int("alert_id"))
    if alert is None:
        return delivery.outcome.notes.append(f"<{route.address}> names no alert")
    if understood.loop_risk or understood.kind != "human":
        return delivery.outcome.notes.append(f"{understood.kind} mail to {route.address} confirms nothing")
    if delivery.trust == SenderTrust.FAIL:
        return delivery.outcome.notes.append(f"a confirmation of alert {alert.id} whose sender failed verification")
    now = context.clock.now()
    if alert.state != AlertState.PENDING:
        return delivery.outcome.notes.append(f"alert {alert.id} is already {alert.state}")
    if now >= alert.expires_at:
        expire_alerts(session, context)
        return delivery.outcome.notes.append(f"a confirmation of alert {alert.id} after it expired")
    confirmed = session.exec(select(Alert).where(Alert.subscriber_id == alert.subscriber_id,
                                                 Alert.inbound_id == alert.inbound_id,
                                                 Alert.state == AlertState.PENDING)).all()
    for each in confirmed:
        each.state, each.confirmed_at = AlertState.ACTIVE, now
    subscriber = session.get(Subscriber, alert.subscriber_id)
    if subscriber is not None:
        from processors.alerts.bounced import forget_failures  # bounced imports this module

        forget_failures(session, subscriber.email)
    delivery.outcome.notes.append(f"alert(s) {', '.join(str(a.id) for a in confirmed)} confirmed")


def on_reply(delivery: Delivery, route: Route) -> None:
    """A reply to a digest (alerts-ID-TOKEN@): `stop N` or `stop all`; anything else is held for an operator."""
    understood = delivery.understood
    if understood.loop_risk or understood.kind != "human":  # an auto-reply to a digest is never answered
        return delivery.outcome.notes.append(f"ignored {understood.kind} mail to {route.address}")
    subscriber_id = route.param_int("subscriber_id")
    for line in [understood.subject, *understood.new_text.splitlines()[:10]]:
        words = line.lower().replace("re:", " ").split()
        if len(words) == 2 and words[0] == "stop" and words[1] == "all":
            stopped = stop(delivery.session, delivery.context, subscriber_id)
            return delivery.outcome.notes.append(f"subscriber {subscriber_id} stopped {stopped} alert(s)")
        if len(words) == 2 and words[0] == "stop" and words[1].isascii() and words[1].isdigit():
            stopped = stop(delivery.session, delivery.context, subscriber_id, int(words[1][:13]))
            return delivery.outcome.notes.append(f"subscriber {subscriber_id} stopped alert {words[1]}: {stopped}")
    delivery.hold(route.address, "a reply to a digest that says neither `stop N` nor `stop all`")


def on_unsubscribe(delivery: Delivery, route: Route) -> None:
    """Any mail to the List-Unsubscribe address (RCPT checked its token) stops the whole digest."""
    stopped = stop(delivery.session, delivery.context, route.param_int("subscriber_id"))
    delivery.outcome.notes.append(f"unsubscribed subscriber {route.param_int('subscriber_id')} ({stopped} alert(s))")


def stop(session: Session, context: Context, subscriber_id: int, alert_id: int | None = None) -> int:
    """Stop one alert of a subscriber, or all of them; how many were stopped (0 the second time)."""
    query = update(Alert).where(Alert.subscriber_id == subscriber_id,
                                Alert.state.in_((AlertState.PENDING, AlertState.ACTIVE)))
    if alert_id is not None:
        query = query.where(Alert.id == alert_id)
    return session.exec(query.values(state=AlertState.STOPPED, stopped_at=context.clock.now())).rowcount


def expire_alerts(session: Session, context: Context) -> int:
    """Unconfirmed alerts older than CONFIRM_DAYS expire (a periodic job)."""
    now = context.clock.now()
    return session.exec(update(Alert).where(Alert.state == AlertState.PENDING, Alert.expires_at <= now)
                        .values(state=AlertState.EXPIRED, stopped_at=now)).rowcount

