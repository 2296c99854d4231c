"""`mailgate limits`: the counted forwards and mails to strangers, loop alerts, and resetting them."""
from __future__ import annotations

import json
from datetime import timedelta

import click
from sqlmodel import Session

from mailgate.cli.support import context_of, printable


@click.group("limits")
def limits() -> None:
    """The loop breaker's and the strangers' limits."""


@limits.command("list")
@click.option("--hours", type=float, default=24.0, show_default=True, help="how far back")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def limits_list(ctx: click.Context, hours: float, as_json: bool) -> None:
    """Loop alerts, forwards and mails to strangers counted lately."""
    from processors import limits as counted

    context = context_of(ctx)
    with Session(context.engine) as session:
        rows = [{"at": e.at.isoformat(), "name": e.name, "thread_id": e.thread_id, "direction": e.direction,
                 "address": e.address, "client": e.client, "note": e.note, "cleared": e.cleared}
                for e in counted.recent(session, context.clock.now() - timedelta(hours=hours))]
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    if not rows:
        click.echo("nothing counted")
    for row in rows:
        what = row["note"] or " ".join(str(row[k]) for k in ("direction", "address", "client") if row[k])
        thread = f" thread {row['thread_id']}" if row["thread_id"] else ""
        click.echo(printable(f"{row['at'][:19]} {row['name']}{thread}: {what}"
                             f"{' (reset)' if row['cleared'] else ''}"))


@limits.command("reset")
@click.argument("address")
@click.pass_context
def limits_reset(ctx: click.Context, address: str) -> None:
    """Stop counting what went to ADDRESS (an email address) or came from it (a client's IP)."""
    from processors import limits as counted

    context = context_of(ctx)
    with Session(context.engine) as session:
        cleared = counted.reset(session, address)
        session.commit()
    click.echo(f"cleared {cleared} counted mail{'s' if cleared != 1 else ''} of {printable(address)}")
