"""`mailgate inbound`: inbound messages that failed or were held."""
from __future__ import annotations

import click
from sqlmodel import Session

from mailgate.cli.support import context_of


@click.group()
def inbound() -> None:
    """Inbound messages that failed or were held."""


@inbound.command("retry")
@click.argument("inbound_id", type=int)
@click.pass_context
def inbound_retry(ctx: click.Context, inbound_id: int) -> None:
    """Put a failed (or held) message back in line; a running service picks it up."""
    from processors.inbound import retry
    from store.models import InboundMessage

    context = context_of(ctx)
    if not retry(context, inbound_id):
        with Session(context.engine) as session:
            if session.get(InboundMessage, inbound_id) is None:
                raise click.ClickException(f"there is no inbound message {inbound_id} (see `mailgate status`)")
        raise click.ClickException(f"inbound {inbound_id} is not failed or held (see `mailgate status`)")
    click.echo(f"inbound {inbound_id} will be processed again")


@inbound.command("failed")
@click.pass_context
def inbound_failed(ctx: click.Context) -> None:
    """List messages set aside after repeated failures, with their errors."""
    from sqlmodel import select

    from store.models import InboundMessage
    from store.states import InboundState

    context = context_of(ctx)
    with Session(context.engine) as session:
        for row in session.exec(select(InboundMessage).where(InboundMessage.state == InboundState.FAILED)):
            click.echo(f"{row.id}\t{row.received_at:%Y-%m-%d %H:%M}\tattempts {row.attempts}\t{row.last_error}")
