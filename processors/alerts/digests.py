"""One digest per subscriber per period, combining all their alerts of that frequency.

A run walks the subscribers with active alerts of the frequency. For each, in one transaction: the
period's outbox row (dedupe key `digest:SUBSCRIBER:FREQUENCY:PERIOD`, so a subscriber gets at most one
per period) and an `alert_sent` row for every message it names (so no message is named twice, ever).
A run stopped half-way has committed whole digests only: run again, it skips the subscribers whose
digest exists and finishes the others. Nothing is sent when nothing is new.

Every digest carries RFC 2369/8058 headers: `List-Unsubscribe` with a mailto: whose token names this
subscriber (any mail to it stops every alert), plus the one-click https URL when serve's HTTP listener
has one (ProcessorsConfig.unsubscribe_url), `List-Id`, `Precedence: bulk`, `Auto-Submitted`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Callable, Iterable
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from processors.alerts.matching import Item, item_url, more_url, new_items
from processors.context import Context
from processors.mail_out import MailSpec, commit_and_send, queue_mail
from store.addresses.routes import RouteName
from store.models import Alert, AlertSent, Outbox, Subscriber
from store.states import AlertFrequency, AlertState

SEND_AT = time(7, 0)       # daily and weekly digests, in the site's time zone
INSTANT_BATCH = timedelta(minutes=5)
Progress = Callable[[Iterable[int]], Iterable[int]]


@dataclass
class Group:
    alert: Alert
    shown: list[Item]
    more: int
    more_url: str
    stop_mailto: str


@dataclass
class DigestRun:
    frequency: str
    period: str
    subscribers: int = 0
    sent: list[int] = field(default_factory=list)      # outbox ids
    already: int = 0                                     # digest of this period existed (a resumed run)
    nothing_new: int = 0


def period_of(frequency: str, now: datetime, zone: str) -> str:
    """The period a digest sent now belongs to: its dedupe key's last part.

    >>> from datetime import timezone
    >>> at = datetime(2026, 11, 30, 7, 3, tzinfo=timezone.utc)
    >>> period_of("daily", at, "Europe/London"), period_of("weekly", at, "Europe/London")
    ('2026-11-30', '2026-W49')
    >>> period_of("instant", at, "Europe/London")
    '2026-11-30T07:00'
    """
    local = now.astimezone(ZoneInfo(zone))
    if frequency == AlertFrequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02}"
    if frequency == AlertFrequency.INSTANT:
        batch = local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0)
        return batch.strftime("%Y-%m-%dT%H:%M")
    return local.date().isoformat()


def due_frequencies(now: datetime, zone: str) -> list[str]:
    """What serve sends now: instant always (once per 5-minute batch), daily from 07:00, weekly from
    07:00 on Mondays (each once per period: the dedupe key says whether it went).

    >>> from datetime import timezone
    >>> due_frequencies(datetime(2026, 11, 30, 6, 59, tzinfo=timezone.utc), "Europe/London")
    ['instant']
    >>> due_frequencies(datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc), "Europe/London")
    ['instant', 'daily', 'weekly']
    """
    local = now.astimezone(ZoneInfo(zone))
    due = [AlertFrequency.INSTANT.value]
    if local.time() >= SEND_AT:
        due.append(AlertFrequency.DAILY.value)
        if local.weekday() == 0:
            due.append(AlertFrequency.WEEKLY.value)
    return due


def send_due_digests(context: Context) -> int:
    """The periodic job of serve (processors/periodic.py)."""
    return sum(len(send_digests(context, frequency).sent)
               for frequency in due_frequencies(context.clock.now(), context.config.time_zone))


def send_digests(context: Context, frequency: str, progress: Progress | None = None) -> DigestRun:
    """One run for `frequency`; `progress` wraps the subscriber ids (a progress bar on a terminal)."""
    run = DigestRun(frequency, period_of(frequency, context.clock.now(), context.config.time_zone))
    with Session(context.engine) as session:
        ids = list(session.exec(select(Alert.subscriber_id).where(
            Alert.state == AlertState.ACTIVE, Alert.frequency == frequency).distinct().order_by(Alert.subscriber_id)))
    run.subscribers = len(ids)
    for subscriber_id in (progress(ids) if progress else ids):
        with Session(context.engine) as session:
            outcome = _digest(session, context, subscriber_id, frequency, run.period)
            if isinstance(outcome, int):
                commit_and_send(session, context)
                run.sent.append(outcome)
            elif outcome == "already":
                run.already += 1
            else:
                run.nothing_new += 1
    return run


def _digest(session: Session, context: Context, subscriber_id: int, frequency: str, period: str) -> int | str:
    key = f"digest:{subscriber_id}:{frequency}:{period}"
    if session.exec(select(Outbox.id).where(Outbox.dedupe_key == key)).first() is not None:
        return "already"
    subscriber = session.get(Subscriber, subscriber_id)
    alerts = session.exec(select(Alert).where(Alert.subscriber_id == subscriber_id, Alert.state == AlertState.ACTIVE,
                                              Alert.frequency == frequency).order_by(Alert.id)).all()
    book, config = context.addresses, context.config
    reply_to = book.address(RouteName.ALERTS, subscriber_id)
    told: set[int] = set()
    groups = []
    for alert in alerts:
        items = new_items(session, alert, subscriber_id, told)
        if not items:
            continue
        told.update(item.message_id for item in items)
        limit = config.digest_items_per_alert
        groups.append(Group(alert, items[:limit], max(0, len(items) - limit), more_url(config.site_url, alert),
                            f"mailto:{reply_to}?subject={quote(f'stop {alert.id}')}"))
    if not groups or subscriber is None:
        return "nothing new"
    unsubscribe = book.address(RouteName.UNSUBSCRIBE, subscriber_id)
    links = [f"<mailto:{unsubscribe}?subject=unsubscribe>"]
    headers = {"List-Id": f"{config.service_name} alerts <alerts.{config.domain}>", "Precedence": "bulk"}
    if config.unsubscribe_url:
        token = book.token(RouteName.UNSUBSCRIBE, subscriber_id)
        links.insert(0, f"<{config.unsubscribe_url}?s={subscriber_id}-{token}>")
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    headers["List-Unsubscribe"] = ", ".join(links)
    row = queue_mail(session, context, MailSpec(
        dedupe_key=f"digest:{subscriber_id}:{frequency}:{period}", kind="alert_digest", to=subscriber.email,
        from_address=reply_to, reply_to=reply_to, from_name=config.service_name, headers=headers,
        values={"groups": groups, "frequency": frequency, "count": len(told), "unsubscribe": unsubscribe,
                "reply_to": reply_to, "item_url": lambda item: item_url(config.site_url, item)}))
    session.add_all(AlertSent(subscriber_id=subscriber_id, message_id=message_id, outbox_id=row.id)
                    for message_id in sorted(told))
    return int(row.id or 0)
