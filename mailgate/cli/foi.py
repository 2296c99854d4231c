"""`mailgate foi`: Freedom-of-Information requests made by an operator."""
from __future__ import annotations

import json

import click
from sqlmodel import Session

from mailgate.cli.support import context_of


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
    from processors.mail_out import commit_and_send
    from store.public_urls import thread_path

    context = context_of(ctx)
    try:
        with Session(context.engine, expire_on_commit=False) as session:
            thread = create_confirmed(session, context, authority_slug=slug, name=name, email=email, title=title,
                                      body=body_file.read())
            commit_and_send(session, context)
    except RequestError as exc:
        raise click.ClickException(str(exc)) from None
    result = {"id": thread.id, "reply_address": context.addresses.authority_facing(thread.id),
              "citizen_address": context.addresses.citizen_facing(thread.id),
              "url": thread_path(thread.id), "public_url": thread_url(context, thread), "state": thread.state}
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"request {thread.id} sent to {slug}; replies go to {result['reply_address']}; {result['public_url']}")
