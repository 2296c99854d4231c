"""`mailgate where POSTCODE|LAT,LON [--category C]`: which council(s) and constituency a place is in, its
MP (processors/letters/representation.py), and who would get each category of problem report there
(processors/places/lookup.py)."""
from __future__ import annotations

from typing import Callable

import click
from sqlmodel import Session

from mailgate.cli.support import context_of, printable
from processors.context import Context


@click.command("where")
@click.argument("place", nargs=-1, required=True)
@click.option("--category", "-c", default=None, help="show only who takes this category (e.g. Potholes)")
@click.pass_context
def where(ctx: click.Context, place: tuple[str, ...], category: str | None) -> None:
    """Which bodies cover a place (a postcode such as 'SW1A 0AA', or LAT,LON), its constituency and MP, and who
    would get each category of report there."""
    from processors.places.lookup import PlaceNotFound, categories_at, find_place, responsible_for
    from store.uk_postcodes import DATA_VERSION

    asked = " ".join(place)
    context = context_of(ctx)
    with Session(context.engine) as session:
        try:
            found = find_place(session, asked)
        except PlaceNotFound as exc:
            raise click.ClickException(str(exc)) from None
        echo = lambda label, text: click.echo(f"{label:<14}{printable(text)}")  # noqa: E731
        if found.postcode:
            echo("postcode", found.postcode)
        if found.point:
            echo("point", f"{found.point[0]},{found.point[1]}")
        if found.postcode and not found.point:
            echo("", "(no coordinates: bodies found by area code; `mailgate import postcodes` adds them)")
        if found.council:
            echo("council", f"{found.council.official_name} ({found.council.gss})")
        if found.constituency:
            seat = found.constituency
            welsh = f" / {seat.name_cy}" if seat.name_cy else ""
            echo("constituency", f"{seat.name}{welsh} ({seat.gss}, 2024 boundaries)")
            _echo_members(session, seat.gss, context, echo)
        elif found.constituency_refused:
            echo("constituency", found.constituency_refused)
        for body in found.bodies:
            echo("body", f"{body.slug}: {body.name} (by {found.matched_by[body.id]})")
        if not found.bodies:
            echo("body", "none: no imported body covers this place")
        if category is not None:
            takers = responsible_for(session, found, category)
            if not takers:
                known = ", ".join(categories_at(session, found)) or "none"
                raise click.ClickException(f"no body covering {asked} takes {category!r}; categories here: {known}")
            for taker in takers:
                echo(taker.category, f"{taker.body.slug} <{', '.join(taker.emails)}>")
        else:
            for name, takers in categories_at(session, found).items():
                echo("category", f"{name}: " + "; ".join(f"{t.body.slug} <{', '.join(t.emails)}>" for t in takers))
        if found.postcode:
            echo("data", DATA_VERSION)


def _echo_members(session: Session, gss: str, context: Context, echo: Callable[[str, str], None]) -> None:
    """The constituency's current MP(s): their write-SLUG@ address, or that they do not accept email."""
    from processors.letters.representation import representatives_in
    from processors.letters.routes import write_to_address

    members = representatives_in(session, gss, context.clock.now().date())
    for member in members:
        party = f" ({member.party})" if member.party else ""
        if member.accepts_email:
            echo("MP", f"{member.name}{party} <{write_to_address(member.slug, context.config.domain)}>")
        else:
            postal = f"; write to {' / '.join(member.postal_address.splitlines())}" if member.postal_address else ""
            echo("MP", f"{member.name}{party}: does not accept email{postal}")
    if not members:
        echo("MP", "none imported for this constituency (`mailgate import representatives`)")
