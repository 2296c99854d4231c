"""The bodies' areas in memory, with an STRtree: which areas contain a point, in a few microseconds.

Built once per process and store on first use, and rebuilt only when `body_area` changes (an
import in this or another process): each use reads a two-number stamp of the table, not its rows.
Only ids are kept here, so a body's renaming never leaves a stale name in the index.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import shapely
from shapely.geometry import Point, shape
from sqlmodel import Session, func, select

from store.models import BodyArea

_lock = threading.Lock()
_indexes: dict[str, AreaIndex] = {}
BUILDS = {"count": 0}  # how many times an index was built in this process (tests bound it)


@dataclass(frozen=True)
class AreaIndex:
    stamp: tuple[int, datetime | None]
    ids: list[int]                       # counterpart ids, in the order of `geometries`
    geometries: list[Any]                # shapely Polygons and MultiPolygons
    tree: shapely.STRtree
    codes: dict[str, list[int]] = field(default_factory=dict)      # area code → ids of every body claiming it
    without_area: frozenset[int] = frozenset()                     # bodies known by their codes only

    def containing(self, lat: float, lon: float) -> list[int]:
        """Bodies whose area contains the point or has it on its boundary (GeoJSON is lon, lat)."""
        hits = self.tree.query(Point(lon, lat), predicate="intersects")
        return sorted(self.ids[i] for i in hits)

    def containing_by_scan(self, lat: float, lon: float) -> list[int]:
        """The same answer without the tree: the baseline bench/places.py measures against."""
        point = Point(lon, lat)
        return sorted(ident for ident, geometry in zip(self.ids, self.geometries, strict=True)
                      if geometry.intersects(point))

    def claiming(self, codes: list[str], *, without_area_only: bool) -> list[int]:
        found = {ident for code in codes for ident in self.codes.get(code, [])}
        if without_area_only:
            found &= self.without_area
        return sorted(found)


def area_index(session: Session) -> AreaIndex:
    stamp = _stamp(session)
    key = str(session.get_bind().engine.url)
    index = _indexes.get(key)
    if index is not None and index.stamp == stamp:
        return index
    with _lock:
        index = _indexes.get(key)
        if index is None or index.stamp != stamp:
            index = _build(session, stamp)
            _indexes[key] = index
        return index


def _stamp(session: Session) -> tuple[int, datetime | None]:
    count, newest = session.exec(select(func.count(), func.max(BodyArea.updated_at))).one()
    return count, newest


def _build(session: Session, stamp: tuple[int, datetime | None]) -> AreaIndex:
    ids: list[int] = []
    geometries: list[Any] = []
    codes: dict[str, list[int]] = {}
    without_area: set[int] = set()
    for area in session.exec(select(BodyArea).order_by(BodyArea.counterpart_id)).all():
        for code in area.gss_codes:
            codes.setdefault(code, []).append(area.counterpart_id)
        if area.geometry:
            geometry = shape(json.loads(area.geometry))
            shapely.prepare(geometry)  # repeated point tests on one polygon
            ids.append(area.counterpart_id)
            geometries.append(geometry)
        else:
            without_area.add(area.counterpart_id)
    BUILDS["count"] += 1
    return AreaIndex(stamp=stamp, ids=ids, geometries=geometries, tree=shapely.STRtree(geometries), codes=codes,
                     without_area=frozenset(without_area))
