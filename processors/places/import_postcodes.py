"""`mailgate import postcodes FILE.csv`: coordinates for postcodes (`postcode,lat,lon[,area]`).

The shipped GB data knows a postcode's council but not where it is; this adds the point (so a
postcode is placed by the bodies' areas), and serves other countries' postcodes, with `area` the
code their bodies claim. A national file has millions of lines: it is read twice, line by line,
first to name every bad line, then to write in batches, so memory does not grow with the file.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, func, select

from processors.places.files import Problems, csv_rows
from processors.places.import_bodies import AREA_CODE
from store import uk_postcodes
from store.models import PostcodePoint

MAX_FILE_BYTES = 512 * 2**20  # every GB postcode with its coordinates is ~100 MB
BATCH = 2000  # rows per INSERT: 10,000 bound values, under SQLite's limit
POSTCODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,18}[A-Z0-9]$")
COLUMNS = (("postcode", "lat", "lon"), ("area",))


@dataclass
class PostcodesResult:
    rows: int = 0     # lines imported
    created: int = 0  # postcodes the store did not have before


def postcode_key(text: str) -> str:
    """How a postcode is looked up: upper case, no spaces ("sw1a 0aa" → "SW1A0AA")."""
    return re.sub(r"\s+", "", text).upper()


def import_postcodes(session: Session, path: Path) -> PostcodesResult:
    """Check every line, then write them all (nothing when any line is bad); the caller commits."""
    problems = Problems(path)
    for line, values in csv_rows(path, problems, *COLUMNS, max_bytes=MAX_FILE_BYTES):
        _point(line, values, problems)
    problems.raise_if_any()
    before = session.exec(select(func.count()).select_from(PostcodePoint)).one()
    result = PostcodesResult()
    batch: dict[str, dict[str, Any]] = {}
    for line, values in csv_rows(path, problems, *COLUMNS, max_bytes=MAX_FILE_BYTES):
        point = _point(line, values, problems)
        if point is not None:
            batch[point["key"]] = point  # a postcode given twice: the later line wins
            result.rows += 1
        if len(batch) >= BATCH:
            _upsert(session, list(batch.values()))
            batch.clear()
    if batch:
        _upsert(session, list(batch.values()))
    result.created = session.exec(select(func.count()).select_from(PostcodePoint)).one() - before
    return result


def _point(line: int, values: dict[str, str], problems: Problems) -> dict[str, Any] | None:
    # a GB postcode in its written form ("SW1A0AA" → "SW1A 0AA"); another country's as given
    written = uk_postcodes.normalise(values["postcode"]) or " ".join(values["postcode"].upper().split())
    area = values.get("area", "").upper()
    before = len(problems.lines)
    if not POSTCODE.match(written):
        problems.add(line, f"{values['postcode']!r} is not a postcode (3 to 20 letters, digits, spaces or hyphens)")
    lat, lon = _degrees(values["lat"], 90), _degrees(values["lon"], 180)
    if lat is None:
        problems.add(line, f"lat {values['lat']!r} must be a latitude in degrees, -90 to 90")
    if lon is None:
        problems.add(line, f"lon {values['lon']!r} must be a longitude in degrees, -180 to 180")
    if area and not AREA_CODE.match(area):
        problems.add(line, f"area {values['area']!r} is not an area code such as E07000123")
    if len(problems.lines) > before:
        return None
    return {"key": postcode_key(written), "postcode": written, "lat": lat, "lon": lon, "area": area}


def _degrees(text: str, limit: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(PostcodePoint)
    # one statement run for many rows: SQLAlchemy batches them ("insertmanyvalues") without
    # compiling a new statement per batch
    session.execute(statement.on_conflict_do_update(
        index_elements=["key"],
        set_={name: getattr(statement.excluded, name) for name in ("postcode", "lat", "lon", "area")}), rows)

