"""`mailgate import bodies FILE.geojson`: councils and the areas they are responsible for.

Each feature's properties are `slug`, `name`, optional `gss` (a code, or a list: a county lists
its districts' codes so that a postcode finds both tiers) and optional `email`; its geometry is
a Polygon or MultiPolygon (holes allowed) or null. A body is a counterpart: a council that is
also an FOI authority is the same row (same slug). Every bad feature is named at once, by index
and property; nothing is written unless the whole file is good. Re-import updates.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
import shapely.validation
from shapely.geometry import shape
from sqlmodel import Session, select

import store.clock
from processors.places.files import Problems, check_size
from store.authorities import EMAIL, SLUG, ImportError_, ImportResult
from store.models import BodyArea, Counterpart

MAX_FILE_BYTES = 25 * 2**20          # a region's councils at generalised resolution fit easily
MAX_POSITIONS_PER_FEATURE = 500_000  # a full-resolution county outline is ~100k
MAX_POSITIONS = 2_000_000
MAX_NAME = 300  # counterpart.name
AREA_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,19}$")  # a GSS code (E07000123), or another country's
SIZE_ADVICE = ("; use generalised boundaries (e.g. ONS's BGC/BUC files) or split the file by region")


@dataclass(frozen=True)
class BodyFeature:
    slug: str
    name: str
    email: str             # "" when the file gives none: an existing counterpart keeps its own
    gss_codes: list[str]
    geometry: str          # compact GeoJSON, "" when the feature has none


def read_bodies(path: Path) -> list[BodyFeature]:
    """The file's features, checked; raises ImportError_ naming every bad feature and property."""
    check_size(path, MAX_FILE_BYTES, SIZE_ADVICE)
    problems = Problems(path)
    try:
        document = json.loads(path.read_bytes().decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path}: not UTF-8 (byte {exc.start + 1:,}): GeoJSON must be UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path}:{exc.lineno}: not JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise ImportError_(f"{path}: not GeoJSON: nested too deeply") from None
    except ValueError as exc:  # NaN or Infinity
        raise ImportError_(f"{path}: not GeoJSON: {str(exc)[:200]}") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise ImportError_(f"{path}: must be a GeoJSON FeatureCollection (an object with \"type\": "
                           "\"FeatureCollection\" and a list of \"features\")")
    bodies: list[BodyFeature] = []
    seen: dict[str, int] = {}
    budget = MAX_POSITIONS
    for index, feature in enumerate(document["features"]):
        where = f"features[{index}]"
        body, positions = _feature(feature, where, problems)
        budget -= positions
        if budget < 0:
            problems.add(where, f"the file has more than {MAX_POSITIONS:,} coordinate positions in all{SIZE_ADVICE}")
            break
        if body is None:
            continue
        if body.slug in seen:
            problems.add(f"{where}.properties.slug", f"{body.slug!r} is already used by features[{seen[body.slug]}]")
            continue
        seen[body.slug] = index
        bodies.append(body)
    problems.raise_if_any()
    return bodies


def import_bodies(session: Session, path: Path) -> ImportResult:
    """Create or update every body of the file (nothing when any feature is bad); the caller commits."""
    result = ImportResult()
    for body in read_bodies(path):
        now = store.clock.now()
        counterpart = session.exec(select(Counterpart).where(Counterpart.slug == body.slug)).first()
        if counterpart is None:
            counterpart = Counterpart(slug=body.slug, name=body.name, email=body.email, updated_at=now)
            session.add(counterpart)
            session.flush()  # its id, for the area
            assert counterpart.id is not None
            session.add(BodyArea(counterpart_id=counterpart.id, geometry=body.geometry, gss_codes=body.gss_codes,
                                 updated_at=now))
            result.created += 1
            continue
        changed = False
        if counterpart.name != body.name or (body.email and counterpart.email != body.email):
            counterpart.name, counterpart.email = body.name, body.email or counterpart.email
            counterpart.updated_at = now
            changed = True
        assert counterpart.id is not None
        area = session.get(BodyArea, counterpart.id)
        if area is None:  # an FOI authority becomes a council too
            session.add(BodyArea(counterpart_id=counterpart.id, geometry=body.geometry, gss_codes=body.gss_codes,
                                 updated_at=now))
            changed = True
        elif (area.geometry, area.gss_codes) != (body.geometry, body.gss_codes):
            area.geometry, area.gss_codes, area.updated_at = body.geometry, body.gss_codes, now
            changed = True
        result.updated += changed
        result.unchanged += not changed
    return result


def _feature(feature: Any, where: str, problems: Problems) -> tuple[BodyFeature | None, int]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        problems.add(where, "must be a GeoJSON Feature")
        return None, 0
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        problems.add(f"{where}.properties", "must be an object with slug and name")
        return None, 0
    before = len(problems.lines)
    slug, name, email = (properties.get(key) for key in ("slug", "name", "email"))
    if not isinstance(slug, str) or not SLUG.match(slug):
        problems.add(f"{where}.properties.slug", f"{slug!r} must be lower-case letters, digits and hyphens")
    if not isinstance(name, str) or not name.strip():
        problems.add(f"{where}.properties.name", "is missing: every body needs a name")
    elif len(name.strip()) > MAX_NAME:
        problems.add(f"{where}.properties.name", f"is {len(name.strip())} characters; at most {MAX_NAME}")
    if email is not None and (not isinstance(email, str) or not EMAIL.match(email)):
        problems.add(f"{where}.properties.email", f"{email!r} is not an email address")
    codes = _area_codes(properties.get("gss"), f"{where}.properties.gss", problems)
    geometry, positions = _geometry(feature.get("geometry"), f"{where}.geometry", problems)
    if len(problems.lines) > before:
        return None, positions
    assert isinstance(slug, str) and isinstance(name, str)
    return BodyFeature(slug=slug, name=name.strip(), email=email or "", gss_codes=codes, geometry=geometry), positions


def _area_codes(value: Any, where: str, problems: Problems) -> list[str]:
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        problems.add(where, f"{value!r} must be a code such as \"E07000123\" or a list of them")
        return []
    codes: list[str] = []
    for code in values:
        if not isinstance(code, str) or not AREA_CODE.match(code.strip().upper()):
            problems.add(where, f"{code!r} is not an area code such as \"E07000123\"")
        elif code.strip().upper() not in codes:
            codes.append(code.strip().upper())
    return codes


def _geometry(value: Any, where: str, problems: Problems) -> tuple[str, int]:
    """Compact GeoJSON of a valid Polygon or MultiPolygon ("" for none), and how many positions it has."""
    if value is None:
        return "", 0
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        kind = value.get("type") if isinstance(value, dict) else type(value).__name__
        problems.add(where, f"must be a Polygon, a MultiPolygon or null, not {kind!r}")
        return "", 0
    depth = 3 if value["type"] == "Polygon" else 4
    positions = 0
    before = len(problems.lines)
    for position in _positions(value.get("coordinates"), depth, where, problems):
        if len(problems.lines) > before:
            return "", positions  # one problem per geometry: the first
        positions += 1
        if positions > MAX_POSITIONS_PER_FEATURE:
            problems.add(where, f"has more than {MAX_POSITIONS_PER_FEATURE:,} positions{SIZE_ADVICE}")
            return "", positions
        lon, lat = position
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            problems.add(where, f"position [{lon}, {lat}] is not [longitude, latitude] in degrees")
            return "", positions
    if len(problems.lines) > before:
        return "", positions
    try:
        geometry = shape(value)
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        problems.add(where, f"is not a valid {value['type']}: {exc}")
        return "", positions
    if geometry.is_empty:
        problems.add(where, "is empty: give the area's outline, or null for a body known by its gss codes")
        return "", positions
    if not geometry.is_valid:  # a self-intersection makes point-in-area answers meaningless
        problems.add(where, f"is not a valid {value['type']}: {shapely.validation.explain_validity(geometry)}")
        return "", positions
    return json.dumps(value, separators=(",", ":")), positions


def _positions(value: Any, depth: int, where: str, problems: Problems) -> Iterator[tuple[float, float]]:
    """Each [lon, lat] of nested coordinate lists `depth` deep; a bad shape is one problem."""
    if not isinstance(value, list) or not value:
        problems.add(where, "coordinates must be non-empty lists of [longitude, latitude] positions")
        return
    if depth == 2:  # a ring
        if len(value) < 4:
            problems.add(where, f"a ring has {len(value)} positions; it needs at least 4 (closed)")
            return
        for position in value:
            if not (isinstance(position, list) and len(position) in (2, 3)
                    and all(isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n)
                            for n in position)):
                problems.add(where, f"{json.dumps(position)[:60]} is not a [longitude, latitude] position")
                return
            yield float(position[0]), float(position[1])
        return
    for part in value:
        yield from _positions(part, depth - 1, where, problems)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number GeoJSON allows")
