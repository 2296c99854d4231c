"""Operator commands for what the public sees: censor rules, hiding, releasing withheld files."""
from __future__ import annotations

import re

import click
from sqlmodel import Session, select

from mailgate.cli.support import context_of


@click.group()
def censor() -> None:
    """Text hidden from the public view (applied to subjects, bodies, quotes, file names and text)."""


@censor.command("add")
@click.argument("pattern")
@click.option("--regex", is_flag=True, help="PATTERN is a regular expression (default: literal text, any case)")
@click.option("--replacement", default="[redacted]", show_default=True)
@click.option("--authority", "slug", help="only in this authority's threads")
@click.option("--thread", "thread_id", type=int, help="only in this thread")
@click.option("--note", default="", help="why (kept for other operators)")
@click.pass_context
def censor_add(ctx: click.Context, pattern: str, regex: bool, replacement: str, slug: str | None,
               thread_id: int | None, note: str) -> None:
    """Add a rule and re-redact the threads it covers."""
    from processors.public_view import refresh_thread
    from store.models import CensorRule, Counterpart, Thread

    if regex:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise click.ClickException(f"PATTERN {pattern!r} is not a valid regular expression: {exc}") from None
    context = context_of(ctx)
    with Session(context.engine) as session:
        authority = None
        if slug:
            authority = session.exec(select(Counterpart).where(Counterpart.slug == slug)).first()
            if authority is None:
                raise click.ClickException(f"--authority {slug!r}: no such authority")
        if thread_id is not None and session.get(Thread, thread_id) is None:
            raise click.ClickException(f"--thread {thread_id}: no such thread")
        session.add(CensorRule(pattern=pattern, is_regex=regex, replacement=replacement, note=note,
                               counterpart_id=authority.id if authority else None, thread_id=thread_id))
        query = select(Thread)
        if thread_id is not None:
            query = query.where(Thread.id == thread_id)
        elif authority is not None:
            query = query.where(Thread.counterpart_id == authority.id)
        threads = session.exec(query).all()
        for thread in threads:
            refresh_thread(session, context, thread)
        session.commit()
    click.echo(f"rule added; {len(threads)} thread(s) re-redacted (rebuild the archive to publish)")


@censor.command("list")
@click.pass_context
def censor_list(ctx: click.Context) -> None:
    """The rules, each with its scope and note."""
    from store.models import CensorRule

    context = context_of(ctx)
    with Session(context.engine) as session:
        for rule in session.exec(select(CensorRule).order_by(CensorRule.id)):
            scope = (f"thread {rule.thread_id}" if rule.thread_id else
                     f"authority {rule.counterpart_id}" if rule.counterpart_id else "everywhere")
            click.echo(f"{rule.id}\t{'regex' if rule.is_regex else 'text'}\t{rule.pattern!r} → {rule.replacement}"
                       f"\t{scope}\t{rule.note}")


@click.command()
@click.argument("what", type=click.Choice(["thread", "message"]))
@click.argument("ident", type=int)
@click.option("--unhide", is_flag=True, help="make it public again")
@click.pass_context
def hide(ctx: click.Context, what: str, ident: int, unhide: bool) -> None:
    """Hide a thread or one message from the public archive (or --unhide it)."""
    from store.models import Thread, ThreadMessage

    context = context_of(ctx)
    with Session(context.engine, expire_on_commit=False) as session:
        row = session.get(Thread if what == "thread" else ThreadMessage, ident)
        if row is None:
            raise click.ClickException(f"there is no {what} {ident}")
        row.hidden = not unhide
        session.add(row)
        session.commit()
    click.echo(f"{what} {ident} is {'public' if unhide else 'hidden'}; rebuild the archive to publish the change")


@click.command()
@click.argument("attachment_id", type=int)
@click.pass_context
def release(ctx: click.Context, attachment_id: int) -> None:
    """Publish a file withheld because a censor rule (or the citizen's address) matched inside it."""
    from store.models import Attachment

    context = context_of(ctx)
    with Session(context.engine, expire_on_commit=False) as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None:
            raise click.ClickException(f"there is no attachment {attachment_id}")
        attachment.released = True
        session.add(attachment)
        session.commit()
    click.echo(f"attachment {attachment_id} ({attachment.public_filename}) released")


COMMANDS = (censor, hide, release)
