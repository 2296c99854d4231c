"""`mailgate import`: reference data an operator loads (authorities)."""
from __future__ import annotations

from pathlib import Path

import click
from sqlmodel import Session

from mailgate.cli.support import context_of


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
