"""Which 2024 Westminster constituency an imported Popolo area is: by GSS code first, then by name.

Names differ between sources in small ways: "&" for "and", the Welsh name for the English one
("Gorllewin Caerdydd", Cardiff West), letters without their diacritics ("Ynys Mon",
"Montgomeryshire and Glyndwr"), case and punctuation ("Ashton under Lyne", "Queens Park"). A
name is compared in a normal form that forgets all of these; no two 2024 constituencies share
one (a test checks), so a name match is never a guess between two.

>>> normal_name("Montgomeryshire & Glyndŵr"), normal_name("Queen's Park and Maida Vale")
('montgomeryshire and glyndwr', 'queens park and maida vale')
>>> match_area("x", "Ynys Mon", ()).constituency.gss, match_area("x", "Gower", ("gss:W07000097",)).how
('W07000112', 'GSS code W07000097')
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from store import uk_postcodes
from store.uk_postcodes import Constituency

GSS_CODE = re.compile(r"(?<![A-Z0-9])([EWSN]\d{8})(?![0-9])")


@dataclass(frozen=True)
class AreaMatch:
    constituency: Constituency | None
    how: str  # "GSS code W07000112" | "name 'Ynys Mon'" | why there is none


def normal_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    bare = re.sub(r"['’‘`]", "", bare.replace("&", " and "))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare).split())


def match_area(area_id: str, name: str, codes: tuple[str, ...]) -> AreaMatch:
    """`codes` are the area's id and identifiers; any of them may hold a GSS code ("E14001481",
    "gss:E14001481"). A code that is not a 2024 constituency's (an older boundary's) falls back to the name."""
    by_code, by_name = _indexes()
    for code in (area_id, *codes):
        for found in GSS_CODE.findall(code.upper()):
            if found in by_code:
                return AreaMatch(by_code[found], f"GSS code {found}")
    seat = by_name.get(normal_name(name))
    if seat is not None:
        return AreaMatch(seat, f"name {name!r}")
    return AreaMatch(None, f"no 2024 constituency has the code or the name {name!r}")


@functools.cache
def _indexes() -> tuple[dict[str, Constituency], dict[str, Constituency]]:
    seats = uk_postcodes.constituencies()
    by_name: dict[str, Constituency] = {}
    for seat in seats:
        for name in filter(None, (seat.name, seat.name_cy)):
            by_name[normal_name(name)] = seat
    return {seat.gss: seat for seat in seats}, by_name


def by_gss(gss: str) -> Constituency | None:
    return _indexes()[0].get(gss)
