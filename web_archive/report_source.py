"""What a problem report's page shows beyond its messages: category, place, photos and state history.

Read from the `report`, `report_photo` and `report_state_change` tables, but only the columns that are
public: never the reporter's name, a photo's file name (it can be a person's name) or the photo's bytes
as received (those are re-encoded: web_archive/images.py). The coordinates are public only when the place
was given as coordinates, a map link or a photo's position: a report placed by postcode (or corrected with
WRONG PLACE and a postcode) shows the postcode, never a position that came from somewhere else.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator
from urllib.parse import quote_plus

import sqlalchemy as sa

from store.publishable import FLAGS, PUBLISHABLE
from store.report_states import UNSENT
from web_archive.source import ThreadView, chunked, iso

UNSENT_STATES = frozenset(state.value for state in UNSENT)
POSTCODE_SOURCE = "postcode"
FIXED = "fixed"
# Who changed a state (store/report_states.py ChangeSource), as a reader says it.
SOURCE_WORDS = {"council": "the council", "reporter": "the reporter", "questionnaire": "the reporter's answer to "
                "“has this been fixed?”", "operator": "the site's operator", "service": "the service"}


@dataclass(slots=True)
class StateChange:
    state: str
    source: str
    at: str
    message_id: int | None  # the update that carried a council's Status: line or a questionnaire answer

    @property
    def who(self) -> str:
        return SOURCE_WORDS.get(self.source, self.source)


@dataclass(slots=True)
class PhotoView:
    id: int
    content_type: str
    sha256: str


@dataclass(slots=True)
class ReportView:
    category: str
    lat: float | None     # public coordinates only (see the module's docstring), else None
    lon: float | None
    postcode: str
    location_source: str
    changes: list[StateChange] = field(default_factory=list)
    photos: list[PhotoView] = field(default_factory=list)

    @property
    def location_text(self) -> str:
        parts = [f"{self.lat:.5f}, {self.lon:.5f}"] if self.lat is not None and self.lon is not None else []
        if self.postcode:
            parts.append(f"postcode {self.postcode}")
        return "; ".join(parts) or "not given"

    @property
    def map_link(self) -> str | None:
        """OpenStreetMap: a marker at the coordinates, or a search for the postcode (a link, never tiles)."""
        if self.lat is not None and self.lon is not None:
            lat, lon = f"{self.lat:.5f}", f"{self.lon:.5f}"
            return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
        if self.postcode:
            return f"https://www.openstreetmap.org/search?query={quote_plus(self.postcode)}"
        return None

    def fixed_at(self, state: str) -> str | None:
        """When a report that is fixed now became fixed (its last change into "fixed")."""
        if state != FIXED:
            return None
        return next((c.at for c in reversed(self.changes) if c.state == FIXED), None)

    @property
    def why(self) -> StateChange | None:
        """The change that put the report in its present state."""
        return self.changes[-1] if self.changes else None


def report_categories(conn: sa.Connection) -> list[str]:
    """Every category a body takes (body_contact) or a published report has, sorted: Open311's services."""
    rows = conn.execute(sa.text(
        "SELECT category FROM body_contact UNION SELECT r.category FROM report r JOIN thread t ON t.id = r.thread_id"
        " WHERE " + PUBLISHABLE), FLAGS)
    return sorted({r[0] for r in rows if r[0]}, key=str.lower)


def _public_point(lat, lon, source: str) -> tuple[float | None, float | None]:
    if lat is None or lon is None or source == POSTCODE_SOURCE or (lat, lon) == (0.0, 0.0):
        return None, None
    return float(lat), float(lon)


def load_reports(conn: sa.Connection, ids: Iterable[int]) -> dict[int, ReportView]:
    """The report part of the given report threads, three queries per 900 ids."""
    reports: dict[int, ReportView] = {}
    for batch in chunked(sorted(ids), 900):
        params = {"ids": batch}
        query = sa.text("SELECT thread_id, category, lat, lon, postcode, location_source FROM report"
                        " WHERE thread_id IN :ids").bindparams(sa.bindparam("ids", expanding=True))
        for r in conn.execute(query, params):
            reports[r[0]] = ReportView(r[1] or "", *_public_point(r[2], r[3], r[5] or ""), r[4] or "", r[5] or "")
        query = sa.text("SELECT thread_id, state, source, at, message_id FROM report_state_change"
                        " WHERE thread_id IN :ids ORDER BY thread_id, at, id").bindparams(
            sa.bindparam("ids", expanding=True))
        for r in conn.execute(query, params):
            if r[0] in reports and r[1] not in UNSENT_STATES:  # the draft's conversation was never public
                reports[r[0]].changes.append(StateChange(r[1], r[2], iso(r[3]), r[4]))
        query = sa.text("SELECT thread_id, id, content_type, sha256 FROM report_photo"
                        " WHERE thread_id IN :ids ORDER BY thread_id, id").bindparams(sa.bindparam("ids", expanding=True))
        for r in conn.execute(query, params):
            if r[0] in reports:
                reports[r[0]].photos.append(PhotoView(r[1], r[2] or "", r[3]))
    return reports


def with_reports(conn: sa.Connection, views: Iterator[ThreadView], batch: int = 500) -> Iterator[ThreadView]:
    """The threads of `views`, each report among them with its ReportView attached (a batch at a time)."""
    pending: list[ThreadView] = []
    for view in views:
        pending.append(view)
        if len(pending) >= batch:
            yield from _attach(conn, pending)
            pending = []
    yield from _attach(conn, pending)


def _attach(conn: sa.Connection, views: list[ThreadView]) -> list[ThreadView]:
    wanted = [v.row.id for v in views if v.row.kind == "report"]
    if wanted:
        reports = load_reports(conn, wanted)
        for view in views:
            view.report = reports.get(view.row.id)
    return views
