"""Where a place is and who is responsible for it: the one lookup problem reports (and `mailgate
where`) use.

A place is a point (lat, lon) or a postcode. A postcode imported with coordinates
(`mailgate import postcodes`) is a point; a GB postcode also has its council and 2024
constituency from the shipped data (store/uk_postcodes.py). The bodies covering a place are
those whose area contains its point, plus those known only by area codes (no geometry) that
claim the postcode's code; without a point, every body claiming the code. Which of them takes
a category is decided by the contacts alone (a county's potholes, a district's fly-tipping).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from processors.places.import_postcodes import postcode_key
from processors.places.index import area_index
from store import uk_postcodes
from store.models import BodyContact, Counterpart, PostcodePoint
from store.uk_postcodes import Constituency, Council, NorthernIrelandPostcode, PostcodeNotFound

LAT_LON = re.compile(r"^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*,\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")


class PlaceNotFound(ValueError):
    """The message is a sentence for whoever asked: what was wrong and what would work."""


@dataclass(frozen=True)
class Body:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class Responsible:
    body: Body
    category: str
    emails: list[str]


@dataclass
class Place:
    asked: str
    postcode: str = ""                             # as written, when the place is a postcode
    point: tuple[float, float] | None = None       # (lat, lon)
    council: Council | None = None                 # from the shipped GB data
    constituency: Constituency | None = None
    constituency_refused: str = ""                 # why there is none (a Northern Ireland postcode)
    area_codes: list[str] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    matched_by: dict[int, str] = field(default_factory=dict)  # body id → "its area" | "area code E07000123"


def find_place(session: Session, text: str) -> Place:
    """A "lat,lon" pair or a postcode; raises PlaceNotFound with a sentence saying why not."""
    pair = LAT_LON.match(text)
    if pair:
        return place_at(session, float(pair[1]), float(pair[2]), asked=text)
    return place_of_postcode(session, text)


def place_at(session: Session, lat: float, lon: float, *, asked: str = "") -> Place:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PlaceNotFound(f"{lat},{lon} is not a latitude,longitude pair in degrees (such as 51.501,-0.142)")
    place = Place(asked=asked or f"{lat},{lon}", point=(lat, lon))
    _cover(session, place)
    return place


def place_of_postcode(session: Session, text: str) -> Place:
    key = postcode_key(text)
    imported = session.get(PostcodePoint, key) if key else None
    written = uk_postcodes.normalise(text)
    place = Place(asked=text, postcode=imported.postcode if imported else (written or text.strip()))
    if imported is not None:
        place.point = (imported.lat, imported.lon)
        if imported.area:
            place.area_codes.append(imported.area)
    if written is not None or imported is None:
        try:
            place.council = uk_postcodes.council_for(text)
        except PostcodeNotFound as exc:
            if imported is None:  # the operator's own data may know what ONS's does not, or may not use
                raise PlaceNotFound(str(exc)) from None
        try:
            place.constituency = uk_postcodes.constituency_for(text)
        except NorthernIrelandPostcode as exc:
            place.constituency_refused = str(exc)
        except PostcodeNotFound:
            pass
    if place.council and place.council.gss not in place.area_codes:
        place.area_codes.append(place.council.gss)
    _cover(session, place)
    return place


def responsible_for(session: Session, place: Place, category: str) -> list[Responsible]:
    """The bodies covering the place that take the category (usually one), with their addresses."""
    wanted = " ".join(category.split()).lower()
    return [r for r in _contacts(session, place) if r.category.lower() == wanted]


def categories_at(session: Session, place: Place) -> dict[str, list[Responsible]]:
    """Every category some body covering the place takes, with who takes it, by category name."""
    found: dict[str, list[Responsible]] = {}
    for responsible in _contacts(session, place):
        found.setdefault(responsible.category, []).append(responsible)
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def _contacts(session: Session, place: Place) -> list[Responsible]:
    by_id = {body.id: body for body in place.bodies}
    if not by_id:
        return []
    contacts = session.exec(select(BodyContact).where(BodyContact.counterpart_id.in_(by_id))
                            .order_by(BodyContact.category, BodyContact.counterpart_id)).all()
    return [Responsible(body=by_id[c.counterpart_id], category=c.category, emails=list(c.emails)) for c in contacts]


def _cover(session: Session, place: Place) -> None:
    index = area_index(session)
    if place.point is not None:
        for ident in index.containing(*place.point):
            place.matched_by[ident] = "its area"
    for ident in index.claiming(place.area_codes, without_area_only=place.point is not None):
        code = next(c for c in place.area_codes if ident in index.codes.get(c, []))
        place.matched_by.setdefault(ident, f"area code {code}")
    if place.matched_by:
        rows = session.exec(select(Counterpart.id, Counterpart.slug, Counterpart.name)
                            .where(Counterpart.id.in_(place.matched_by))).all()
        place.bodies = sorted((Body(id=i, slug=s, name=n) for i, s, n in rows), key=lambda b: b.slug)
