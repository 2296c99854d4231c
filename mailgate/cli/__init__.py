"""The `mailgate` command. Each command group lives in a module of its own in this package
(service, setup, inbound, imports, places, foi, reports, holding_pen, letters, limits, censor,
archive, alerts), registered below."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from mailgate.runtime.settings import Settings, SettingsError, load_settings


class SettingsLoader:
    """Reads settings on first use, so `--help` works even with a broken environment."""

    def __init__(self, env_file: str | None):
        self.env_file = env_file
        self._settings: Settings | None = None

    def __call__(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.env_file, create_home=False)
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


def main() -> None:
    """The console script: a bug shows one line (and the traceback with -v), not a wall of text."""
    from store.connection_errors import StoreUnreachable

    try:
        cli(standalone_mode=True)
    except StoreUnreachable as exc:
        click.echo(f"mailgate: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # click handles usage errors and ClickException itself
        if "-v" in sys.argv or "--verbose" in sys.argv:
            raise
        click.echo(f"mailgate: unexpected error: {type(exc).__name__}: {exc} (run with -v for the traceback)", err=True)
        sys.exit(2)


def _register() -> None:
    from mailgate.cli import (
        alerts,
        archive,
        censor,
        foi,
        holding_pen,
        imports,
        inbound,
        letters,
        limits,
        places,
        reports,
        service,
        setup,
    )

    for command in (service.serve, service.worker, service.demo, setup.config, setup.db, setup.routes,
                    setup.status, inbound.inbound, imports.import_group, places.where, foi.foi, reports.report,
                    holding_pen.holding_pen, letters.letters, limits.limits, *censor.COMMANDS, archive.archive,
                    alerts.alerts, alerts.digest):
        cli.add_command(command)


_register()
