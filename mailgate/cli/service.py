"""`mailgate serve`, `worker` and `demo`: running the service."""
from __future__ import annotations

from pathlib import Path

import click

from mailgate.cli.support import settings_of, store_settings_of
from mailgate.runtime.settings import SettingsError, load_settings


@click.command()
@click.option("--smtp", help="listen for SMTP on HOST:PORT (overrides MAILGATE_SMTP)")
@click.option("--lmtp", help="also listen for LMTP on HOST:PORT (for Postfix/Exim)")
@click.option("--http", help="serve the archive on HOST:PORT, 'off' for none (overrides MAILGATE_HTTP)")
@click.option("--quiet", is_flag=True, help="no line per accepted message and per delivery (MAILGATE_LOG_TRAFFIC=false)")
@click.pass_context
def serve(ctx: click.Context, smtp: str | None, lmtp: str | None, http: str | None, quiet: bool) -> None:
    """Receive, process and send mail; keep the archive built and served."""
    from mailgate.runtime.log_setup import apply, levels
    from mailgate.runtime.service import Service

    settings = store_settings_of(ctx, create=True)
    overrides: dict[str, object] = {k: v for k, v in (("smtp", smtp), ("lmtp", lmtp), ("http", http)) if v}
    if quiet:
        overrides["log_traffic"] = False
    if overrides:
        try:
            settings = load_settings(ctx.find_root().obj.env_file, **overrides)
        except SettingsError as exc:
            raise click.ClickException(str(exc).replace("MAILGATE_", "--").lower()) from None
    from mailgate.runtime.configs import processors_config

    outbox = processors_config(settings).outbox_maildir
    apply(levels(settings.log_level, settings.log_traffic))
    click.echo(f"mailgate serving SMTP on {settings.smtp}" + (f", LMTP on {settings.lmtp}" if settings.lmtp else "")
               + f"; store {settings.sqlalchemy_url.split('@')[-1]}; "
               + (f"broker {settings.broker_url}" if settings.broker_url else "in-process broker")
               + f"; outbound {'relay ' + settings.relay if settings.relay else 'Maildir ' + str(outbox)}",
               err=True)
    from store.migrate import MigrationError

    try:
        Service(settings).run_until_signalled(announce=_announce)
    except (OSError, MigrationError) as exc:
        raise click.ClickException(str(exc)) from None


def _announce(service) -> None:
    """The archive's URL, once its port is bound (with MAILGATE_HTTP on port 0 it is known only now)."""
    if service.archive_url:
        click.echo(f"archive at {service.archive_url} (kept built in {service.settings.archive_path}; "
                   f"mails link to {service.settings.site_url})", err=True)
    elif service.settings.archive_path is not None:
        click.echo(f"archive kept built in {service.settings.archive_path} (MAILGATE_HTTP is off: "
                   f"serve it with your web server at {service.settings.site_url})", err=True)


@click.command()
@click.pass_context
def worker(ctx: click.Context) -> None:
    """Run only the actors (scale-out: several machines, MAILGATE_BROKER_URL=redis://…)."""
    from mailgate.runtime.service import run_worker

    if not settings_of(ctx).broker_url:
        raise click.ClickException("`mailgate worker` needs a shared broker: set MAILGATE_BROKER_URL=redis://HOST:PORT/0 "
                                   "(with the in-process default, `mailgate serve` already runs the workers)")
    run_worker(store_settings_of(ctx))  # the store serve (or `db upgrade`) made: a worker creates none


@click.command()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), help="keep the demo's data here")
def demo(home: Path | None) -> None:
    """Act out a whole FOI conversation, then a letter to an MP, by email against a real embedded service."""
    from mailgate.runtime.demo import run_demo

    run_demo(home)
