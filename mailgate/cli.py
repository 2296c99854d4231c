"""The `mailgate` command: serve, worker, config, db, routes, status, inbound, import, foi, holding-pen, archive, demo."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from sqlmodel import Session

from mailgate.cli_support import context_of, settings_of
from mailgate.settings import Settings, SettingsError, load_settings


class SettingsLoader:
    """Reads settings on first use, so `--help` works even with a broken environment."""

    def __init__(self, env_file: str | None):
        self.env_file = env_file
        self._settings: Settings | None = None

    def __call__(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.env_file)
            except SettingsError as exc:
                raise click.ClickException(str(exc)) from None
        return self._settings


@click.group()
@click.option("--env-file", type=click.Path(dir_okay=False), default=None, envvar="MAILGATE_ENV_FILE",
              help="read MAILGATE_* settings from this file (environment variables win)")
@click.option("-v", "--verbose", is_flag=True, help="log more")
@click.pass_context
def cli(ctx: click.Context, env_file: str | None, verbose: bool) -> None:
    """mailgate: FOI requests, replies and a public archive, all by email."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if env_file and not Path(env_file).exists():
        raise click.ClickException(f"--env-file {env_file}: no such file")
    ctx.obj = SettingsLoader(env_file)


@cli.command()
@click.option("--smtp", help="listen for SMTP on HOST:PORT (overrides MAILGATE_SMTP)")
@click.option("--lmtp", help="also listen for LMTP on HOST:PORT (for Postfix/Exim)")
@click.pass_context
def serve(ctx: click.Context, smtp: str | None, lmtp: str | None) -> None:
    """Run gateway, workers and timers in one process (migrates the store first)."""
    from mailgate.service import serve as run_service

    settings = settings_of(ctx)
    overrides = {k: v for k, v in (("smtp", smtp), ("lmtp", lmtp)) if v}
    if overrides:
        try:
            settings = load_settings(ctx.find_root().obj.env_file, **overrides)
        except SettingsError as exc:
            raise click.ClickException(str(exc).replace("MAILGATE_", "--").lower()) from None
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection at INFO
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its plugin set-up is not news
    click.echo(f"mailgate serving SMTP on {settings.smtp}" + (f", LMTP on {settings.lmtp}" if settings.lmtp else "")
               + f"; store {settings.sqlalchemy_url.split('@')[-1]}; "
               + (f"broker {settings.broker_url}" if settings.broker_url else "in-process broker")
               + f"; outbound {'relay ' + settings.relay if settings.relay else 'Maildir ' + str(settings.outbox_maildir)}",
               err=True)
    from store.migrate import MigrationError

    try:
        run_service(settings)
    except (OSError, MigrationError) as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.pass_context
def worker(ctx: click.Context) -> None:
    """Run only the actors (scale-out: several machines, MAILGATE_BROKER_URL=redis://…)."""
    from mailgate.service import run_worker

    settings = settings_of(ctx)
    if not settings.broker_url:
        raise click.ClickException("`mailgate worker` needs a shared broker: set MAILGATE_BROKER_URL=redis://HOST:PORT/0 "
                                   "(with the in-process default, `mailgate serve` already runs the workers)")
    run_worker(settings)


@cli.command()
@click.pass_context
def config(ctx: click.Context) -> None:
    """Print the effective settings (secrets masked)."""
    for name, value in settings_of(ctx).masked().items():
        click.echo(f"{name}={value}")


@cli.group()
def db() -> None:
    """The store's schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Apply all migrations (serve does this on start)."""
    from store.migrate import upgrade

    settings = settings_of(ctx)
    upgrade(settings.sqlalchemy_url)
    click.echo(f"store at {settings.sqlalchemy_url.split('@')[-1]} is up to date")


@cli.command()
@click.option("--test", "address", required=True, metavar="ADDRESS", help="the address to explain")
@click.pass_context
def routes(ctx: click.Context, address: str) -> None:
    """Explain what an address means (exit 1 when nothing matches)."""
    from mailgate.addresses import PURPOSES, AddressBook
    from mailgate.routes import describe, resolve, why_unresolved

    settings = settings_of(ctx)
    route = resolve(address, settings.domain)
    if route is None:
        click.echo(f"no route: {why_unresolved(address, settings.domain)}")
        ctx.exit(1)
    click.echo(f"route: {route.name}\n  {describe(route.name)}")
    for key, value in route.params.items():
        click.echo(f"  {key} = {value}")
    if route.name in PURPOSES:
        book = AddressBook(settings.secret_bytes, settings.domain)
        ident = next(v for k, v in route.params.items() if k != "token")
        valid = book.token_valid(route.name, ident, route.params["token"])
        click.echo(f"  token: {'valid' if valid else 'NOT valid for this site secret'}")
        if not valid:
            near = book.typo_candidates(route.name, ident, route.params["token"])
            click.echo(f"  one typo away from: {', '.join(map(str, near)) or 'nothing'}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Counts of inbound and outbound mail by state: the backlog."""
    from store.db import make_engine
    from store.migrate import upgrade
    from store.models import InboundMessage, InboundState, Outbox, OutboxState

    settings = settings_of(ctx)
    upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        inbound = dict(connection.execute(sa.select(InboundMessage.state, sa.func.count())
                                          .group_by(InboundMessage.state)).all())
        outbox = dict(connection.execute(sa.select(Outbox.state, sa.func.count()).group_by(Outbox.state)).all())
    report = {"inbound": {state: inbound.get(state, 0) for state in InboundState.ALL},
              "outbox": {state: outbox.get(state, 0) for state in OutboxState.ALL}}
    if as_json:
        click.echo(json.dumps(report))
        return
    for table, counts in report.items():
        click.echo(f"{table:8} " + "  ".join(f"{state} {count}" for state, count in counts.items()))


@cli.group()
def inbound() -> None:
    """Inbound messages that failed or were held."""


@inbound.command("retry")
@click.argument("inbound_id", type=int)
@click.pass_context
def inbound_retry(ctx: click.Context, inbound_id: int) -> None:
    """Put a failed (or held) message back in line; a running service picks it up."""
    from processors.inbound import retry

    context = context_of(ctx, with_broker=True)
    if not retry(context, inbound_id):
        raise click.ClickException(f"inbound {inbound_id} is not failed or held (see `mailgate status`)")
    click.echo(f"inbound {inbound_id} will be processed again")


@inbound.command("failed")
@click.pass_context
def inbound_failed(ctx: click.Context) -> None:
    """List messages set aside after repeated failures, with their errors."""
    from sqlmodel import select

    from store.models import InboundMessage, InboundState

    context = context_of(ctx)
    with Session(context.engine) as session:
        for row in session.exec(select(InboundMessage).where(InboundMessage.state == InboundState.FAILED)):
            click.echo(f"{row.id}\t{row.received_at:%Y-%m-%d %H:%M}\tattempts {row.attempts}\t{row.last_error}")


from mailgate.cli_domain import register  # noqa: E402  (the FOI, import, holding-pen and archive commands)

register(cli)


def main() -> None:
    """The console script: a bug shows one line (and the traceback with -v), not a wall of text."""
    try:
        cli(standalone_mode=True)
    except Exception as exc:  # click handles usage errors and ClickException itself
        if "-v" in sys.argv or "--verbose" in sys.argv:
            raise
        click.echo(f"mailgate: unexpected error: {type(exc).__name__}: {exc} (run with -v for the traceback)", err=True)
        sys.exit(2)


@cli.command()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), help="keep the demo's data here")
def demo(home: Path | None) -> None:
    """Act out a whole FOI conversation by email against a real embedded service."""
    from mailgate.demo import run_demo

    run_demo(home)
