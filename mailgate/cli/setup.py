"""`mailgate config`, `db`, `routes` and `status`: what the settings, the store and an address say."""
from __future__ import annotations

import json

import click
import sqlalchemy as sa

from mailgate.cli.support import settings_of, store_settings_of
from store.hostport import masked_url


@click.command()
@click.pass_context
def config(ctx: click.Context) -> None:
    """Print the effective settings (secrets masked) and where each came from."""
    settings = settings_of(ctx)
    found = settings.home_found
    named = found.config_file and str(found.config_file) != found.origin
    click.echo(f"# {found.describe()}" + (f"; settings file {found.config_file}" if named else "")
               + "; order: environment, --env-file, mailgate.toml, default")
    for name, value in settings.masked().items():
        click.echo(f"{name}={value}  # {settings.origin(name.removeprefix('MAILGATE_').lower())}")


@click.group()
def db() -> None:
    """The store's schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create the store, or apply the migrations it lacks (serve does this on start)."""
    from store.migrate import upgrade

    settings = store_settings_of(ctx, create=True)
    upgrade(settings.sqlalchemy_url)
    click.echo(f"store at {masked_url(settings.store_url)} is up to date")


@click.command()
@click.option("--test", "address", required=True, metavar="ADDRESS", help="the address to explain")
@click.pass_context
def routes(ctx: click.Context, address: str) -> None:
    """Explain what an address means (exit 1 when nothing matches)."""
    from processors.kinds import default_kinds
    from store.addresses.book import AddressBook
    from store.addresses.routes import why_unresolved

    settings = settings_of(ctx)
    book = AddressBook(domain=settings.domain, secret=settings.secret_bytes, routes=default_kinds().routes())
    route = book.resolve(address)
    if route is None:
        click.echo(f"no route: {why_unresolved(address, settings.domain)}")
        ctx.exit(1)
    click.echo(f"route: {route.name}\n  {book.routes.describe(route.name)}")
    for key, value in route.params.items():
        click.echo(f"  {key} = {value}")
    if book.carries_token(route.name) and not settings.secret_bytes:
        click.echo(f"  token: cannot be checked: no site secret (MAILGATE_SECRET is unset and there is no "
                   f"{settings.home / 'secret'}; {settings.home_found.describe()})")
    elif book.carries_token(route.name):
        ident = next(v for k, v in route.params.items() if k != "token")
        valid = book.token_valid(route.name, ident, route.params["token"])
        click.echo(f"  token: {'valid' if valid else 'NOT valid for this site secret'}")
        if not valid:
            near = book.typo_candidates(route.name, ident, route.params["token"])
            click.echo(f"  one typo away from: {', '.join(map(str, near)) or 'nothing'}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Counts of inbound and outbound mail by state: the backlog."""
    from store.db import make_engine
    from store.migrate import upgrade
    from store.models import InboundMessage, Outbox
    from store.states import InboundState, OutboxState

    settings = store_settings_of(ctx)
    upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        inbound = dict(connection.execute(sa.select(InboundMessage.state, sa.func.count())
                                          .group_by(InboundMessage.state)).all())
        outbox = dict(connection.execute(sa.select(Outbox.state, sa.func.count()).group_by(Outbox.state)).all())
    report = {"inbound": {state: inbound.get(state, 0) for state in InboundState},
              "outbox": {state: outbox.get(state, 0) for state in OutboxState}}
    if as_json:
        click.echo(json.dumps(report))
        return
    for table, counts in report.items():
        click.echo(f"{table:8} " + "  ".join(f"{state} {count}" for state, count in counts.items()))
