"""Who represents a postcode: its 2024 constituency (store/uk_postcodes.py), then the imported
representatives whose seat for that constituency is current by the clock's today.

Northern Ireland postcodes are refused with uk_postcodes' sentence (the shipped data covers Great
Britain only); so are postcodes mailgate cannot place, each with a sentence fit for a reply.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from processors.letters.import_representatives import is_current
from store import uk_postcodes
from store.models import Counterpart
from store.representatives import Representative, RepresentativeSeat
from store.uk_postcodes import Constituency, PostcodeNotFound


class NoConstituency(ValueError):
    """The message says why, in a sentence for the person who gave the postcode."""


@dataclass(frozen=True)
class Representing:
    counterpart_id: int
    slug: str
    name: str
    email: str           # "" : does not accept email
    postal_address: str
    party: str

    @property
    def accepts_email(self) -> bool:
        return bool(self.email)


def constituency_of(postcode: str) -> Constituency:
    """The 2024 constituency of a GB postcode; raises NoConstituency with a sentence saying why not."""
    try:
        constituency = uk_postcodes.constituency_for(postcode)
    except PostcodeNotFound as exc:  # NorthernIrelandPostcode included: its sentence says why
        raise NoConstituency(str(exc)) from None
    if constituency is None:
        raise NoConstituency(f"{uk_postcodes.normalise(postcode)} is not in a Westminster constituency in mailgate's "
                             "data (the Channel Islands, the Isle of Man and some non-geographic postcodes are not).")
    return constituency


def representatives_in(session: Session, gss: str, today: date) -> list[Representing]:
    """The representatives holding a current seat for the constituency, by name."""
    return _current(session, RepresentativeSeat.constituency_gss == gss, today)


def representative_by_slug(session: Session, slug: str, today: date) -> Representing | None:
    """The representative of a write-SLUG@ address while they hold a current seat (any area), else None."""
    return next(iter(_current(session, Counterpart.slug == slug, today)), None)


def _current(session: Session, condition: Any, today: date) -> list[Representing]:
    rows = session.exec(select(Counterpart, Representative, RepresentativeSeat)
                        .join(Representative, col(Representative.counterpart_id) == Counterpart.id)
                        .join(RepresentativeSeat, col(RepresentativeSeat.counterpart_id) == Counterpart.id)
                        .where(condition)
                        .order_by(Counterpart.name)).all()
    found: dict[int, Representing] = {}
    for counterpart, representative, seat in rows:
        if is_current(seat.start_date, seat.end_date, today) and counterpart.id is not None:
            found.setdefault(counterpart.id, Representing(
                counterpart_id=counterpart.id, slug=counterpart.slug, name=counterpart.name, email=counterpart.email,
                postal_address=representative.postal_address, party=seat.party))
    return list(found.values())


def representatives_of(session: Session, postcode: str, today: date) -> tuple[Constituency, list[Representing]]:
    """The constituency of a postcode and who represents it today (an empty list when nobody imported does)."""
    constituency = constituency_of(postcode)
    return constituency, representatives_in(session, constituency.gss, today)
