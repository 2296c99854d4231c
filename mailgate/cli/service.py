"""`mailgate serve`, `worker` and `demo`: running the service."""
from __future__ import annotations

import logging
from pathlib import Path

import click

from mailgate.cli.support import settings_of
from mailgate.runtime.settings import SettingsError, load_settings


@click.command()
@click.option("--smtp", help="listen for SMTP on HOST:PORT (overrides MAILGATE_SMTP)")
@click.option("--lmtp", help="also listen for LMTP on HOST:PORT (for Postfix/Exim)")
@click.pass_context
def serve(ctx: click.Context, smtp: str | None, lmtp: str | None) -> None:
    """Run gateway, workers and timers in one process (migrates the store first)."""
    from mailgate.runtime.service import Service

    settings = settings_of(ctx)
    overrides = {k: v for k, v in (("smtp", smtp), ("lmtp", lmtp)) if v}
    if overrides:
        try:
            settings = load_settings(ctx.find_root().obj.env_file, **overrides)
        except SettingsError as exc:
            raise click.ClickException(str(exc).replace("MAILGATE_", "--").lower()) from None
    from mailgate.runtime.configs import processors_config

    outbox = processors_config(settings).outbox_maildir
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection at INFO
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its plugin set-up is not news
    click.echo(f"mailgate serving SMTP on {settings.smtp}" + (f", LMTP on {settings.lmtp}" if settings.lmtp else "")
               + f"; store {settings.sqlalchemy_url.split('@')[-1]}; "
               + (f"broker {settings.broker_url}" if settings.broker_url else "in-process broker")
               + f"; outbound {'relay ' + settings.relay if settings.relay else 'Maildir ' + str(outbox)}",
               err=True)
    from store.migrate import MigrationError

    try:
        Service(settings).run_until_signalled()
    except (OSError, MigrationError) as exc:
        raise click.ClickException(str(exc)) from None


@click.command()
@click.pass_context
def worker(ctx: click.Context) -> None:
    """Run only the actors (scale-out: several machines, MAILGATE_BROKER_URL=redis://…)."""
    from mailgate.runtime.service import run_worker

    settings = settings_of(ctx)
    if not settings.broker_url:
        raise click.ClickException("`mailgate worker` needs a shared broker: set MAILGATE_BROKER_URL=redis://HOST:PORT/0 "
                                   "(with the in-process default, `mailgate serve` already runs the workers)")
    run_worker(settings)


@click.command()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), help="keep the demo's data here")
def demo(home: Path | None) -> None:
    """Act out a whole FOI conversation, then a letter to an MP, by email against a real embedded service."""
    from mailgate.runtime.demo import run_demo

    run_demo(home)
