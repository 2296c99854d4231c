"""`mailgate import representatives FILE.json`: representatives from a Popolo file, as counterparts.

Each person is a row of `counterpart` (the table of authorities and councils) with a
`representative` row keeping the file's person id, so that a re-import updates the same row and
the person's slug, hence their `write-SLUG@` address, never changes. Seats (memberships with an
area) are replaced by the file's on each import, with their dates: whether a seat is current is
asked of the clock at lookup time (processors/letters/representation.py). Each area is matched to
a 2024 constituency (processors/letters/constituencies.py); unmatched ones are reported, not refused.
Nothing is written unless the whole file is good (processors/letters/popolo.py checks it).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, delete, select

import store.clock
from processors.letters.constituencies import match_area
from processors.letters.popolo import Person, Seat, read_popolo
from store.authorities import SLUG
from store.models import Counterpart
from store.representatives import Representative, RepresentativeSeat

MAX_SLUG = 60


@dataclass(frozen=True)
class Imported:
    slug: str
    name: str
    email: str                 # "" : does not accept email
    postal_address: str
    current_seats: list[str]   # "Ynys Môn (W07000112)" or the area's own name when unmatched


@dataclass
class RepresentativesResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    representatives: list[Imported] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # "areas[11] 'Borsetshire North': why"


def import_representatives(session: Session, path: Path) -> RepresentativesResult:
    """Create or update every person of the file (nothing when any part is bad); the caller commits."""
    data = read_popolo(path)
    result = RepresentativesResult()
    today = store.clock.now().date()
    matches = {seat.area.area_id: match_area(seat.area.area_id, seat.area.name, seat.area.codes) for seat in data.seats}
    for seat in {s.area.area_id: s for s in data.seats}.values():
        if matches[seat.area.area_id].constituency is None:
            result.unmatched.append(f"{seat.area.where} {seat.area.name!r}: {matches[seat.area.area_id].how}")
    seats_of: dict[str, list[Seat]] = {}
    for seat in data.seats:
        seats_of.setdefault(seat.person_id, []).append(seat)
    taken = set(session.exec(select(Counterpart.slug)).all())
    for person in data.persons:
        rows = [RepresentativeSeat(counterpart_id=0, area_id=s.area.area_id, area_name=s.area.name,
                                   constituency_gss=_gss(matches[s.area.area_id].constituency),
                                   organization=s.organization, party=s.party, start_date=s.start, end_date=s.end)
                for s in seats_of.get(person.person_id, [])]
        counterpart = _save(session, person, rows, taken, result)
        current = [f"{seat.area_name} ({seat.constituency_gss})" if seat.constituency_gss else seat.area_name
                   for seat in rows if is_current(seat.start_date, seat.end_date, today)]
        result.representatives.append(Imported(slug=counterpart.slug, name=counterpart.name, email=counterpart.email,
                                               postal_address=person.postal_address, current_seats=current))
    return result


def is_current(start: date | None, end: date | None, today: date) -> bool:
    """A membership counts from its start to its end date, both included; an open end is still running."""
    return (start is None or start <= today) and (end is None or today <= end)


def _save(session: Session, person: Person, seats: list[RepresentativeSeat], taken: set[str],
          result: RepresentativesResult) -> Counterpart:
    now = store.clock.now()
    known = session.exec(select(Representative).where(Representative.person_id == person.person_id)).first()
    if known is None:
        slug = _free_slug(person, taken)
        taken.add(slug)
        counterpart = Counterpart(slug=slug, name=person.name, email=person.email, tags="representative",
                                  updated_at=now)
        session.add(counterpart)
        session.flush()
        assert counterpart.id is not None
        session.add(Representative(counterpart_id=counterpart.id, person_id=person.person_id,
                                   postal_address=person.postal_address, updated_at=now))
        _replace_seats(session, counterpart.id, seats)
        result.created += 1
        return counterpart
    counterpart = session.get(Counterpart, known.counterpart_id)
    assert counterpart is not None and counterpart.id is not None
    old = session.exec(select(RepresentativeSeat).where(RepresentativeSeat.counterpart_id == counterpart.id)
                       .order_by(col(RepresentativeSeat.id))).all()
    changed = (counterpart.name, counterpart.email, known.postal_address) != (person.name, person.email,
                                                                              person.postal_address)
    if changed:
        counterpart.name, counterpart.email, counterpart.updated_at = person.name, person.email, now
        known.postal_address, known.updated_at = person.postal_address, now
    if [_seat_key(s) for s in old] != [_seat_key(s) for s in seats]:
        _replace_seats(session, counterpart.id, seats)
        known.updated_at = now
        changed = True
    result.updated += changed
    result.unchanged += not changed
    return counterpart


def _replace_seats(session: Session, counterpart_id: int, seats: list[RepresentativeSeat]) -> None:
    session.exec(delete(RepresentativeSeat).where(col(RepresentativeSeat.counterpart_id) == counterpart_id))
    for seat in seats:
        seat.counterpart_id = counterpart_id
        session.add(seat)


def _seat_key(seat: RepresentativeSeat) -> tuple[object, ...]:
    return (seat.area_id, seat.area_name, seat.constituency_gss, seat.organization, seat.party, seat.start_date,
            seat.end_date)


def _gss(constituency: object) -> str:
    return getattr(constituency, "gss", "") or ""


def _free_slug(person: Person, taken: set[str]) -> str:
    """The person's name as a slug ("Alys Ellis-Jones" → "alys-ellis-jones"), made unique with a number:
    it becomes the address write-SLUG@, which people may type."""
    base = _slugify(person.name) or _slugify(person.person_id) or "representative"
    slug, number = base, 1
    while slug in taken or not SLUG.match(slug):
        number += 1
        slug = f"{base[:MAX_SLUG - 4]}-{number}"
    return slug


def _slugify(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    bare = re.sub(r"['’]", "", bare)
    return re.sub(r"[^a-z0-9]+", "-", bare).strip("-")[:MAX_SLUG].strip("-")
