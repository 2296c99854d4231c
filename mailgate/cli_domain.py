"""CLI commands for the civic side: import authorities, FOI requests, the holding pen, the archive."""
from __future__ import annotations

import json
from pathlib import Path

import click
from sqlmodel import Session

from mailgate.cli_support import context_of, deliver_now


@click.group("import")
def import_group() -> None:
    """Import reference data."""


@import_group.command("authorities")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_authorities_command(ctx: click.Context, csv_file: Path) -> None:
    """Create or update authorities from CSV with header slug,name,email[,tags,country,url]."""
    from store.authorities import ImportError_, import_authorities

    context = context_of(ctx)
    try:
        with Session(context.engine) as session:
            result = import_authorities(session, csv_file)
            session.commit()
    except ImportError_ as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{csv_file}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged")


@click.group()
def foi() -> None:
    """Freedom-of-Information requests."""


@foi.command("new")
@click.option("--authority", "slug", required=True, help="the authority's slug")
@click.option("--name", required=True, help="the requester's name (published)")
@click.option("--email", required=True, help="the requester's email (never published)")
@click.option("--title", required=True)
@click.option("--body-file", required=True, type=click.File("r", encoding="utf-8"), help="the request text ('-' = stdin)")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def foi_new(ctx: click.Context, slug: str, name: str, email: str, title: str, body_file, as_json: bool) -> None:
    """Create a confirmed request and send it to the authority."""
    from processors.foi.requests import RequestError, create_confirmed, thread_url
    from processors.mail_out import outbox_ids_to_send

    context = context_of(ctx, with_broker=True)
    try:
        with Session(context.engine, expire_on_commit=False) as session:
            thread = create_confirmed(session, context, authority_slug=slug, name=name, email=email, title=title,
                                      body=body_file.read())
            session.commit()
            outbox_ids = outbox_ids_to_send(session)
    except RequestError as exc:
        raise click.ClickException(str(exc)) from None
    deliver_now(context, outbox_ids)
    result = {"id": thread.id, "reply_address": context.addresses.authority_facing(thread.id),
              "citizen_address": context.addresses.citizen_facing(thread.id),
              "url": f"thread/{thread.id}/", "public_url": thread_url(context, thread), "state": thread.state}
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"request {thread.id} sent to {slug}; replies go to {result['reply_address']}; {result['public_url']}")


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
                         "received_at": inbound.received_at.isoformat()})
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    if not rows:
        click.echo("the holding pen is empty")
    for row in rows:
        click.echo(f"#{row['id']} {row['received_at'][:16]} from {row['from']} to {row['recipient']}\n"
                   f"   subject: {row['subject']}\n   why: {row['reason']}")
        for suggestion in row["suggestions"]:
            click.echo(f"   maybe thread {suggestion['thread_id']} ({suggestion['title']}): {suggestion['why']}")


@holding_pen.command("assign")
@click.argument("held_id", type=int)
@click.argument("thread_id", type=int)
@click.pass_context
def holding_pen_assign(ctx: click.Context, held_id: int, thread_id: int) -> None:
    """Put a held message into a thread (as a response from the authority)."""
    from processors.holding_pen import HoldingPenError, assign
    from processors.mail_out import outbox_ids_to_send

    context = context_of(ctx, with_broker=True)
    try:
        with Session(context.engine, expire_on_commit=False) as session:
            note = assign(session, context, held_id, thread_id)
            session.commit()
            outbox_ids = outbox_ids_to_send(session)
    except HoldingPenError as exc:
        raise click.ClickException(str(exc)) from None
    deliver_now(context, outbox_ids)
    click.echo(note)


@holding_pen.command("reject")
@click.argument("held_id", type=int)
@click.pass_context
def holding_pen_reject(ctx: click.Context, held_id: int) -> None:
    """Drop a held message from the pen (its raw bytes stay in the store)."""
    from processors.holding_pen import HoldingPenError, reject

    context = context_of(ctx)
    try:
        with Session(context.engine) as session:
            reject(session, held_id)
            session.commit()
    except HoldingPenError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"held message {held_id} rejected")


def register(main: click.Group) -> None:
    from mailgate.cli_operator import COMMANDS

    from web_archive.cli import archive

    for command in (import_group, foi, holding_pen, archive, *COMMANDS):
        main.add_command(command)
