"""`mailgate letters`: letters to representatives held as templates, for an operator to read, release or
reject, and the allowlist of writers who rely on templates (processors/letters/moderation.py)."""
from __future__ import annotations

import click
from sqlmodel import Session

from mailgate.cli.support import act_and_send, context_of, printable


@click.group("letters")
def letters() -> None:
    """Letters to representatives held for a moderator."""


@letters.command("held")
@click.pass_context
def letters_held(ctx: click.Context) -> None:
    """Letters held as copies of another writer's letter: read them, then release or reject."""
    from processors.letters.moderation import held_letters
    from store.models import Counterpart

    context = context_of(ctx)
    with Session(context.engine) as session:
        rows = held_letters(session)
        if not rows:
            click.echo("no letters are held")
        for thread, fingerprint in rows:
            representative = session.get(Counterpart, thread.counterpart_id)
            click.echo(f"#{thread.id} {thread.created_at:%Y-%m-%d %H:%M} to {printable(representative.name if representative else '?')}"
                       f": {printable(thread.title)}\n   {fingerprint.score:.2f} alike to letter {fingerprint.similar_to}"
                       f" by another writer\n" + "\n".join("   | " + printable(line) for line in thread.body.splitlines()))


@letters.command("release")
@click.argument("letter_id", type=int)
@click.pass_context
def letters_release(ctx: click.Context, letter_id: int) -> None:
    """Send a held letter to its representative."""
    from processors.letters.moderation import ModerationError, release

    act_and_send(ctx, lambda session, context: release(session, context, letter_id), ModerationError)


@letters.command("reject")
@click.argument("letter_id", type=int)
@click.option("--reason", required=True, help="why it is not sent: the constituent is told this")
@click.pass_context
def letters_reject(ctx: click.Context, letter_id: int, reason: str) -> None:
    """Do not send a held letter; its writer is told the reason and its text is dropped."""
    from processors.letters.moderation import ModerationError, reject

    act_and_send(ctx, lambda session, context: reject(session, context, letter_id, reason), ModerationError)


@letters.command("allow")
@click.argument("address")
@click.option("--note", default="", help="why (kept for other operators)")
@click.pass_context
def letters_allow(ctx: click.Context, address: str, note: str) -> None:
    """Never hold letters from ADDRESS as templates (some disabled people write with templates)."""
    from processors.letters.moderation import ModerationError, allow

    act_and_send(ctx, lambda session, context: allow(session, address, note), ModerationError)
