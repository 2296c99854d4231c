"""`mailgate holding-pen`: mail that no thread claimed, for an operator to assign or reject."""
from __future__ import annotations

import json

import click
from sqlmodel import Session

from mailgate.cli.support import act_and_send, context_of, printable


@click.group("holding-pen")
def holding_pen() -> None:
    """Mail that no thread claimed."""


@holding_pen.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.option("--all", "include_resolved", is_flag=True, help="include assigned and rejected ones")
@click.pass_context
def holding_pen_list(ctx: click.Context, as_json: bool, include_resolved: bool) -> None:
    """Held messages with their reason and suggested threads."""
    from processors.holding_pen import list_held
    from processors.understanding import understand
    from store.models import InboundMessage

    context = context_of(ctx)
    rows = []
    with Session(context.engine) as session:
        for held in list_held(session, include_resolved):
            inbound = session.get(InboundMessage, held.inbound_id)
            parsed = understand(inbound.raw[:200_000], envelope_from=inbound.mail_from)
            rows.append({"id": held.id, "inbound_id": held.inbound_id, "recipient": held.recipient,
                         "from": parsed.from_address, "subject": parsed.subject, "reason": held.reason,
                         "state": held.state, "suggestions": held.suggestions,
                         "sender_trust": inbound.sender_trust or "not judged",
                         "trust_evidence": inbound.trust_evidence,
                         "received_at": inbound.received_at.isoformat()})
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    if not rows:
        click.echo("the holding pen is empty")
    for row in rows:
        row = {key: printable(value) if isinstance(value, str) else value for key, value in row.items()}
        click.echo(f"#{row['id']} {row['received_at'][:16]} from {row['from']} to {row['recipient']}\n"
                   f"   subject: {row['subject']}\n   sender: {row['sender_trust']} ({row['trust_evidence']})\n"
                   f"   why: {row['reason']}")
        for suggestion in row["suggestions"]:
            click.echo(f"   maybe thread {suggestion['thread_id']} ({printable(suggestion['title'])}): "
                       f"{printable(suggestion['why'])}")


@holding_pen.command("assign")
@click.argument("held_id", type=int)
@click.argument("thread_id", type=int)
@click.pass_context
def holding_pen_assign(ctx: click.Context, held_id: int, thread_id: int) -> None:
    """Put a held message into a thread (as a response from the authority)."""
    from processors.holding_pen import HoldingPenError, assign

    act_and_send(ctx, lambda session, context: assign(session, context, held_id, thread_id), HoldingPenError)


@holding_pen.command("reject")
@click.argument("held_id", type=int)
@click.pass_context
def holding_pen_reject(ctx: click.Context, held_id: int) -> None:
    """Drop a held message from the pen (its raw bytes stay in the store)."""
    from processors.holding_pen import HoldingPenError, reject

    context = context_of(ctx)
    try:
        with Session(context.engine) as session:
            reject(session, context, held_id)
            session.commit()
    except HoldingPenError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"held message {held_id} rejected")


@holding_pen.command("release-loop")
@click.argument("thread_id", type=int)
@click.pass_context
def holding_pen_release_loop(ctx: click.Context, thread_id: int) -> None:
    """Send every forward of a thread that the loop breaker held."""
    from processors.foi.loop_release import release_loop
    from processors.holding_pen import HoldingPenError

    def release(session, context) -> str:
        released = release_loop(session, context, thread_id)
        return f"released {released} held forward{'s' if released != 1 else ''} of thread {thread_id}"

    act_and_send(ctx, release, HoldingPenError)
