"""`mailgate import`: reference data an operator loads (authorities; bodies, contacts and postcodes for places)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

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
    click.echo(f"{csv_file}: {result}")


def _run_import(ctx: click.Context, path: Path, do_import: Callable[[Session, Path], Any]) -> Any:
    """One import in one transaction: a file with any bad line or feature writes nothing."""
    from store.authorities import ImportError_

    context = context_of(ctx)
    try:
        with Session(context.engine) as session:
            result = do_import(session, path)
            session.commit()
    except ImportError_ as exc:
        raise click.ClickException(str(exc)) from None
    return result


@import_group.command("bodies")
@click.argument("geojson_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_bodies_command(ctx: click.Context, geojson_file: Path) -> None:
    """Create or update councils and their areas from a GeoJSON FeatureCollection (properties slug, name,
    optional gss code or list of codes, optional email; Polygon, MultiPolygon or null geometry)."""
    from processors.places.import_bodies import import_bodies

    result = _run_import(ctx, geojson_file, import_bodies)
    click.echo(f"{geojson_file}: {result}")


@import_group.command("contacts")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_contacts_command(ctx: click.Context, csv_file: Path) -> None:
    """Create or update which body takes which category, from CSV with header body,category,email[,keywords]
    (several emails separated by spaces or semicolons)."""
    from processors.places.import_contacts import import_contacts

    result = _run_import(ctx, csv_file, import_contacts)
    click.echo(f"{csv_file}: {result}")


@import_group.command("postcodes")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_postcodes_command(ctx: click.Context, csv_file: Path) -> None:
    """Add coordinates (and other countries' postcodes) from CSV with header postcode,lat,lon[,area]."""
    from processors.places.import_postcodes import import_postcodes

    result = _run_import(ctx, csv_file, import_postcodes)
    click.echo(f"{csv_file}: {result.rows} postcodes imported, {result.created} of them new")


@import_group.command("representatives")
@click.argument("json_file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_representatives_command(ctx: click.Context, json_file: Path) -> None:
    """Create or update representatives (MPs) from a Popolo JSON file (persons, organizations, areas, posts,
    memberships); prints each one's write-SLUG@ address and the areas no 2024 constituency matched."""
    from mailgate.cli.support import printable
    from processors.letters.import_representatives import import_representatives
    from processors.letters.routes import write_to_address

    domain = context_of(ctx).config.domain
    result = _run_import(ctx, json_file, import_representatives)
    click.echo(f"{json_file}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged")
    for person in result.representatives:
        seats = ", ".join(person.current_seats) or "no current seat"
        if person.email:
            click.echo(printable(f"{write_to_address(person.slug, domain)}  {person.name}: {seats}"))
        else:
            postal = f"; post: {' / '.join(person.postal_address.splitlines())}" if person.postal_address else ""
            click.echo(printable(f"{person.slug} (does not accept email{postal})  {person.name}: {seats}"))
    for area in result.unmatched:
        click.echo(printable(f"unmatched area {area}"))
