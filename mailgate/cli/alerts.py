"""`mailgate alerts` (an operator's view of subscriptions) and `mailgate digest send` (processors/alerts/)."""
from __future__ import annotations

import click
from sqlmodel import Session, select

from mailgate.cli.support import context_of, printable


@click.group("alerts")
def alerts() -> None:
    """Alerts people asked for by mail to subscribe@: list one address's, remove one."""


@alerts.command("list")
@click.argument("email")
@click.pass_context
def alerts_list(ctx: click.Context, email: str) -> None:
    """Every alert of EMAIL: id, state, frequency, what it follows."""
    from store.models import Alert, Subscriber

    context = context_of(ctx)
    with Session(context.engine) as session:
        subscriber = session.exec(select(Subscriber).where(Subscriber.email == email.strip().lower())).first()
        rows = [] if subscriber is None else session.exec(
            select(Alert).where(Alert.subscriber_id == subscriber.id).order_by(Alert.id)).all()
    if not rows:
        click.echo(f"no alerts for {email}")
    for row in rows:
        click.echo(printable(f"{row.id:>6} {row.state:<8} {row.frequency:<8} {row.target} {row.label}"))


@alerts.command("remove")
@click.argument("alert_id", type=int)
@click.pass_context
def alerts_remove(ctx: click.Context, alert_id: int) -> None:
    """Stop alert ALERT_ID (its subscriber gets nothing more of it)."""
    from processors.alerts.subscribing import stop
    from store.models import Alert

    context = context_of(ctx)
    with Session(context.engine) as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise click.ClickException(f"there is no alert {alert_id} (`mailgate alerts list EMAIL` shows them)")
        was = alert.state
        stopped = stop(session, context, alert.subscriber_id, alert_id)
        session.commit()
    click.echo(f"alert {alert_id} stopped" if stopped else f"alert {alert_id} was already {was}")


@click.group("digest")
def digest() -> None:
    """Alert digests: send this period's now (serve sends them by itself)."""


@digest.command("send")
@click.option("--frequency", type=click.Choice(["daily", "weekly", "instant"]), default="daily", show_default=True,
              help="which alerts' digests")
@click.pass_context
def digest_send(ctx: click.Context, frequency: str) -> None:
    """One digest to each subscriber with something new (at most one per period: running it again, or
    after an interruption, sends nobody the same digest twice)."""
    import sys

    from tqdm import tqdm

    from processors.alerts.digests import send_digests

    context = context_of(ctx)

    def progress(ids):
        # A bar on a terminal only: in cron or a pipe it would be noise in a log.
        return tqdm(ids, desc=f"{frequency} digests", unit="subscriber", disable=not sys.stderr.isatty())

    run = send_digests(context, frequency, progress=progress)
    click.echo(f"{frequency} digests for {run.period}: {len(run.sent)} sent, {run.nothing_new} with nothing new, "
               f"{run.already} sent before, of {run.subscribers} subscriber(s)")
