"""Great Britain postcodes: which council (local authority) and which 2024 Westminster constituency.

The data (store/data/uk_postcodes/, README.md there for origin, licence and format) maps
ranges of postcodes, read as base-36 numbers, to an area: a postcode's area is that of the
last range starting at or below it. Ranges also cover postcodes that do not exist, so a
postcode's shape and its area letters are checked first, and what fails is "not found"
rather than a guess. Each file is read once per process, on first use.

>>> council_for("sw1a 0aa").name, constituency_for("SW1A0AA").name
('Westminster', 'Cities of London and Westminster')
>>> normalise("m11ae")
'M1 1AE'
"""
from __future__ import annotations

import bisect
import functools
import itertools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from templates.credits import UK_POSTCODES_ATTRIBUTION

# Which files these are, for `mailgate where --version` and the archive's about page: boundaries
# change, and an operator must be able to say which lookup routed a report. A test checks the
# checksums against the shipped files, so replacing them means updating this line.
DATA_VERSION = ("mySociety mini-postcode-lookup (ONS Postcode Directory): councils la_ranges.json sha256:9d59b324, "
                "constituencies of 2024 pcon2024_ranges.json sha256:947f7d46")
ATTRIBUTION = UK_POSTCODES_ATTRIBUTION

# Outward code (area letters, district digit, optional digit or letter) then inward code 9AA.
SHAPE = re.compile(r"^([A-Z]{1,2})([0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
NORTHERN_IRELAND_AREA = "BT"


class PostcodeNotFound(ValueError):
    """A postcode mailgate cannot place: malformed, or its area letters do not exist. The message
    is a sentence fit for a reply to the person who wrote it."""


class NorthernIrelandPostcode(PostcodeNotFound):
    """A BT postcode where the use is not statistical (ONS's terms), or the data has none."""


@dataclass(frozen=True)
class Council:
    gss: str            # e.g. E09000033: what bodies' areas claim
    name: str           # e.g. Westminster
    official_name: str  # e.g. Westminster City Council


@dataclass(frozen=True)
class Constituency:
    key: str      # e.g. UKPARL.2025.CLW
    gss: str      # e.g. E14001172
    name: str     # e.g. Cities of London and Westminster
    name_cy: str  # the Welsh name, "" when there is none


def normalise(text: str) -> str | None:
    """The postcode in its written form ("SW1A 0AA"), or None when it does not have a postcode's shape."""
    compact = re.sub(r"\s+", "", text).upper()
    match = SHAPE.match(compact)
    if match is None:
        return None
    return f"{match[1]}{match[2]} {match[3]}"


def council_for(postcode: str, *, northern_ireland: bool = False) -> Council | None:
    """The lower-tier council of a postcode, None when the data gives none (Channel Islands, Isle of Man).
    Northern Ireland postcodes are refused unless the caller's use is statistical (`northern_ireland=True`)."""
    written = _checked(postcode)
    if written.startswith(NORTHERN_IRELAND_AREA) and not northern_ireland:
        raise NorthernIrelandPostcode(
            f"{written} is a Northern Ireland postcode: the Office for National Statistics allows those "
            "for statistics only, so mailgate does not use them to find a council.")
    gss = _lookup(_councils(), written)
    # Codes without a name are ONS's pseudo-codes for the Channel Islands (L99999999) and the
    # Isle of Man (M99999999): no council of Great Britain.
    return _council_names().get(gss) if gss else None


def constituency_for(postcode: str) -> Constituency | None:
    """The 2024 Westminster constituency of a GB postcode, None for the Channel Islands and the Isle of
    Man. Northern Ireland postcodes are refused: the data has none (a BT number would fall into a
    neighbouring range in Bristol)."""
    written = _checked(postcode)
    if written.startswith(NORTHERN_IRELAND_AREA):
        raise NorthernIrelandPostcode(
            f"{written} is a Northern Ireland postcode: the constituency data mailgate ships covers Great "
            "Britain only (the Office for National Statistics allows Northern Ireland postcodes for "
            "statistics only), so it cannot tell which MP represents it.")
    if _area_letters(written) not in _constituencies().areas:
        # The Channel Islands and the Isle of Man (GY, JE, IM) elect no MP at Westminster and the file
        # has no ranges for them: their numbers would fall into a neighbour's (Guernsey into Farnham).
        return None
    key = _lookup(_constituencies(), written)
    if key is None:
        return None
    return _constituency_names().get(key)


def constituencies() -> list[Constituency]:
    """Every 2024 Westminster constituency of Great Britain the data has, by name: what
    representatives' areas are matched against (by GSS code first, then by name).

    >>> len(constituencies()), constituencies()[0].name
    (632, 'Aberafan Maesteg')
    """
    keys = set(_constituencies().values)
    return sorted((seat for key, seat in _constituency_names().items() if key in keys), key=lambda seat: seat.name)


def area_letters_exist(letters: str) -> bool:
    return letters.upper() in _ranges("la_ranges.json").areas


def _checked(postcode: str) -> str:
    written = normalise(postcode)
    if written is None:
        raise PostcodeNotFound(f"I couldn't find the postcode {postcode.strip()[:20]!r}: a postcode looks like "
                               "SW1A 1AA (letters and digits, a space, then a digit and two letters).")
    letters = _area_letters(written)
    if not area_letters_exist(letters):
        raise PostcodeNotFound(f"I couldn't find the postcode {written}: there is no postcode area "
                               f"{letters!r} in the UK.")
    return written


def _area_letters(written: str) -> str:
    letters = re.match(r"[A-Z]+", written)
    assert letters is not None  # the shape begins with letters
    return letters[0]


@dataclass(frozen=True)
class _Ranges:
    starts: list[int]          # ascending range starts, postcodes as base-36 numbers
    values: list[str | None]   # the area of each range, None for none
    areas: frozenset[str]      # the area letters of every range start: which areas exist


def _lookup(ranges: _Ranges, written: str) -> str | None:
    index = bisect.bisect_right(ranges.starts, int(written.replace(" ", ""), 36)) - 1
    return ranges.values[index] if index >= 0 else None


@functools.cache
def _ranges(name: str) -> _Ranges:
    data = _load(name)
    starts = list(itertools.accumulate(data["postcode_keys"]))  # delta-encoded
    table: list[Any] = data["value_values"]
    keys: list[int] = []
    for i, key in enumerate(data["value_key"]):
        keys.append(keys[i - 2] if key == 0 and i >= 2 else key)  # 0: "the same as two before"
    # key - 1 == -1 is "no area"; so are the few keys past the end of the table (non-geographic
    # postcodes such as N1P or S94 in pcon2024_ranges.json) and the NaN that ends la_ranges.json's.
    values = [_area(table, key - 1) for key in keys]
    areas = frozenset(match[1] for match in map(SHAPE.match, map(_base36, starts)) if match)
    return _Ranges(starts=starts, values=values, areas=areas)


def _area(table: list[Any], index: int) -> str | None:
    value = table[index] if 0 <= index < len(table) else None
    return value if isinstance(value, str) else None


def _councils() -> _Ranges:
    return _ranges("la_ranges.json")


def _constituencies() -> _Ranges:
    return _ranges("pcon2024_ranges.json")


@functools.cache
def _council_names() -> dict[str, Council]:
    return {entry["la_gss_code"]: Council(gss=entry["la_gss_code"], name=entry["la_nice_name"],
                                          official_name=entry["la_official_name"])
            for entry in _load("la_names.json").values()}


@functools.cache
def _constituency_names() -> dict[str, Constituency]:
    return {key: Constituency(key=key, gss=entry["parlcon_2024_gss_code"], name=entry["parlcon_2024_name"],
                              name_cy=entry["parlcon_2024_name_cy"] or "")
            for key, entry in _load("pcon2024_names.json").items()}


def _load(name: str) -> Any:
    return json.loads(resources.files("store.data.uk_postcodes").joinpath(name).read_text(encoding="utf-8"))


_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _base36(number: int) -> str:
    text = ""
    while number:
        number, digit = divmod(number, 36)
        text = _DIGITS[digit] + text
    return text
