"""Read the public part of the store in bulk: authorities, thread rows, and threads with their messages.

Only `public_*` columns are selected, so private text (body_text, quoted_text, subject,
from_address, citizen_email, authority email) never even reaches the renderer. Queries are
plain SQL on one connection, streamed, with dates kept as ISO strings until a page needs them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Iterable, Iterator

import sqlalchemy as sa

from store.content_types import is_text_like
from store.publishable import FLAGS, PUBLISHABLE, PUBLISHED_KINDS, VISIBLE_MESSAGE  # noqa: F401 (re-exported)
from store.utc_datetime import UTCDateTime

if TYPE_CHECKING:
    from web_archive.report_source import ReportView

TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def iso(value) -> str | None:
    """A stored date as a sortable UTC string (SQLite gives strings, PostgreSQL datetimes)."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime(TIME_FORMAT)


SENDER_CLOCK_TOLERANCE = timedelta(days=1)


def parse(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


@dataclass(slots=True)
class AuthorityView:
    id: int
    slug: str
    name: str
    url: str  # shown as a link only when it is http(s)
    tags: str


@dataclass(slots=True)
class AttachmentView:
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    text: str
    released: bool

    @property
    def text_like(self) -> bool:
        """Published as its public text (redacted, scrubbed), never as the original bytes."""
        return is_text_like(self.content_type)


@dataclass(slots=True)
class MessageView:
    id: int
    direction: str
    kind: str
    from_name: str
    subject: str
    body: str
    quoted: str
    arrived_at: str           # when it reached us: the order of the thread, feeds and statistics
    sender_date: str | None   # the sender's own Date:, for display only (None when it gave none)
    attachments: list[AttachmentView] = field(default_factory=list)

    @property
    def sender_date_differs(self) -> bool:
        """Worth showing beside the arrival time: the sender's clock is more than a day away from it."""
        if self.sender_date is None:
            return False
        return abs(parse(self.sender_date) - parse(self.arrived_at)) > SENDER_CLOCK_TOLERANCE


@dataclass(slots=True)
class ThreadRow:
    """One publishable thread: its row in the thread table."""

    id: int
    kind: str
    title: str
    state: str
    awaiting_classification: bool
    authority_id: int | None
    citizen_name: str
    created_at: str
    sent_at: str | None
    last_activity_at: str
    updated_at: str  # bumped on any change to the thread, its messages or files: only used to notice change


@dataclass(slots=True)
class ThreadView:
    row: ThreadRow
    messages: list[MessageView] = field(default_factory=list)
    report: ReportView | None = None  # a problem report's category, place, photos and history (report_source.py)


def load_authorities(conn: sa.Connection) -> dict[int, AuthorityView]:
    rows = conn.execute(sa.text("SELECT id, slug, name, url, tags FROM counterpart ORDER BY name"))
    return {r[0]: AuthorityView(r[0], r[1], r[2], r[3] or "", r[4] or "") for r in rows}


ROW_COLUMNS = ("t.id, t.kind, t.title, t.state, t.awaiting_classification, t.counterpart_id, t.citizen_name,"
               " t.created_at, t.sent_at, t.last_activity_at, t.updated_at")


def _row(r, strings: bool) -> tuple:
    # A problem report's reporter is private (the body sees the name, the public "the reporter"): the row
    # never carries it, so no page, feed or index can show it.
    name = (r[6] or "") if r[1] != "report" else ""
    if strings:  # SQLite hands back dates as sortable strings already
        return (*r[:4], bool(r[4]), r[5], name, *r[7:])
    return (*r[:4], bool(r[4]), r[5], name, *(iso(v) for v in r[7:]))


def scan_threads(conn: sa.Connection) -> dict[int, tuple]:
    """Every publishable thread as a plain tuple in ThreadRow's field order, keyed by id (for a full build)."""
    query = "SELECT " + ROW_COLUMNS + " FROM thread t WHERE " + PUBLISHABLE + " ORDER BY t.id"
    strings = conn.dialect.name == "sqlite"
    if strings:  # straight from the driver: SQLAlchemy's per-row overhead is most of this scan's time
        cursor = conn.connection.driver_connection.cursor()
        result = cursor.execute(query.replace(":yes", "1").replace(":no", "0")).fetchall()
    else:
        result = conn.execute(sa.text(query), FLAGS).all()
    return {r[0]: _row(r, strings) for r in result}


def load_rows(conn: sa.Connection, ids: Iterable[int]) -> dict[int, tuple]:
    """The publishable ones among `ids`, as scan_threads gives them; the others are simply absent."""
    strings = conn.dialect.name == "sqlite"
    query = sa.text("SELECT " + ROW_COLUMNS + " FROM thread t WHERE t.id IN :ids AND " + PUBLISHABLE
                    ).bindparams(sa.bindparam("ids", expanding=True))
    rows = {}
    for batch in chunked(sorted(ids), 900):
        for r in conn.execute(query, {"ids": batch} | FLAGS):
            rows[r[0]] = _row(r, strings)
    return rows


def newest_update(conn: sa.Connection) -> str | None:
    """The latest thread.updated_at (an index lookup): the watermark the next incremental build starts from."""
    return iso(conn.execute(sa.text("SELECT MAX(updated_at) FROM thread")).scalar())


def change_marker(conn: sa.Connection) -> tuple:
    """Four index lookups that change whenever what the archive shows may have: a thread, its messages or
    files changed (store/change_tracking.py bumps thread.updated_at), a thread or an authority was added, an
    authority was edited. Cheap enough to ask every second (mailgate/runtime/archive_builder.py)."""
    return tuple(conn.execute(sa.text(
        "SELECT (SELECT MAX(updated_at) FROM thread), (SELECT MAX(id) FROM thread),"
        " (SELECT MAX(updated_at) FROM counterpart), (SELECT MAX(id) FROM counterpart)")).one())


def updated_since(conn: sa.Connection, since: datetime) -> set[int]:
    """Threads (public or not) whose row, messages or files changed after `since` (store.change_tracking)."""
    query = sa.text("SELECT id FROM thread WHERE updated_at > :since").bindparams(
        sa.bindparam("since", type_=UTCDateTime()))
    return {r[0] for r in conn.execute(query, {"since": since})}


def waiting_sent_between(conn: sa.Connection, first: datetime, last: datetime) -> set[int]:
    """FOI requests still waiting for an answer that were sent in [first, last): their deadlines may pass."""
    query = sa.text("SELECT id FROM thread WHERE kind = 'foi' AND state IN ('waiting_response', 'internal_review')"
                    " AND awaiting_classification = :no AND sent_at >= :first AND sent_at < :last").bindparams(
        sa.bindparam("first", type_=UTCDateTime()), sa.bindparam("last", type_=UTCDateTime()))
    return {r[0] for r in conn.execute(query, {"first": first, "last": last, "no": False})}


def threads_of(conn: sa.Connection, authority_ids: Iterable[int]) -> set[int]:
    """Every thread addressed to one of these authorities (their name or address changed)."""
    query = sa.text("SELECT id FROM thread WHERE counterpart_id IN :ids").bindparams(
        sa.bindparam("ids", expanding=True))
    return {r[0] for batch in chunked(sorted(authority_ids), 900) for r in conn.execute(query, {"ids": batch})}


def count_public(conn: sa.Connection) -> int:
    return conn.execute(sa.text("SELECT COUNT(*) FROM thread t WHERE " + PUBLISHABLE), FLAGS).scalar()


def public_ids(conn: sa.Connection) -> set[int]:
    return {r[0] for r in conn.execute(sa.text("SELECT t.id FROM thread t WHERE " + PUBLISHABLE), FLAGS)}


def load_threads(conn: sa.Connection, rows: dict[int, tuple], ids: list[int]) -> Iterator[ThreadView]:
    """The given threads (ids sorted) with their visible messages and attachments, three queries a batch."""
    for start in range(0, len(ids), 500):
        batch = ids[start:start + 500]
        wanted = set(batch)
        if batch[-1] - batch[0] < 4 * len(batch):  # dense: a range scan beats a long IN list
            where, params = "m.thread_id BETWEEN :lo AND :hi", {"lo": batch[0], "hi": batch[-1]}
        else:
            where, params = "m.thread_id IN :ids", {"ids": batch}
        params |= FLAGS
        views = {tid: ThreadView(ThreadRow(*rows[tid])) for tid in batch}
        by_id: dict[int, MessageView] = {}
        query = sa.text(
            "SELECT m.id, m.thread_id, m.direction, m.kind, m.from_name, m.public_subject, m.public_body,"
            " m.public_quoted, m.arrived_at, m.sent_at FROM thread_message m WHERE " + where + " AND "
            + VISIBLE_MESSAGE + " ORDER BY m.thread_id, m.arrived_at, m.id")
        if "ids" in params:
            query = query.bindparams(sa.bindparam("ids", expanding=True))
        for r in conn.execute(query, params):
            if r[1] in wanted:
                message = MessageView(r[0], r[2], r[3], r[4] or "", r[5] or "", r[6] or "", r[7] or "", iso(r[8]),
                                      iso(r[9]) if r[9] is not None else None)
                views[r[1]].messages.append(message)
                by_id[r[0]] = message
        if by_id:
            query = sa.text(
                "SELECT a.id, a.message_id, a.public_filename, a.content_type, a.size, a.sha256,"
                " a.public_text, a.released FROM attachment a JOIN thread_message m ON m.id = a.message_id"
                " WHERE " + where + " AND " + VISIBLE_MESSAGE + " ORDER BY a.id")
            if "ids" in params:
                query = query.bindparams(sa.bindparam("ids", expanding=True))
            for r in conn.execute(query, params):
                message = by_id.get(r[1])
                if message is not None:
                    # public_filename is the redacted name; an empty one falls back to a neutral name,
                    # never to the private original.
                    name = r[2] or f"attachment-{r[0]}"
                    message.attachments.append(AttachmentView(r[0], name, r[3] or "application/octet-stream",
                                                              r[4] or 0, r[5], r[6] or "", bool(r[7])))
        yield from (views[tid] for tid in batch)


def letter_outcomes(conn: sa.Connection) -> list[tuple[int, bool, float | None]]:
    """(representative's id, replied, days to the first reply or None) for each letter that reached a
    representative; never their content. Replied: a reply counted through the letter's address
    (`letter.first_reply_at`, or a reply message of a letter older than that column), or the
    constituent's YES to the questionnaire (processors/letters/responsiveness.py)."""
    rows = conn.execute(sa.text(
        "SELECT t.counterpart_id, t.sent_at, l.first_reply_at, l.answer,"
        " (SELECT MIN(m.arrived_at) FROM thread_message m WHERE m.thread_id = t.id"
        "  AND m.direction = 'incoming' AND m.kind = 'reply') AS first_message"
        " FROM thread t LEFT JOIN letter l ON l.thread_id = t.id WHERE t.kind = 'letter' AND t.hidden = :no"
        # Only letters that reached the representative: not unconfirmed, expired (never sent), held or
        # rejected as a template, or bounced ones.
        " AND t.state NOT IN ('awaiting_confirmation', 'expired', 'held', 'rejected', 'bounced')"
        " AND t.counterpart_id IS NOT NULL ORDER BY t.counterpart_id, t.id").columns(
        sa.column("counterpart_id"), sa.column("sent_at", UTCDateTime()), sa.column("first_reply_at", UTCDateTime()),
        sa.column("answer"), sa.column("first_message", UTCDateTime())), FLAGS)
    outcomes = []
    for counterpart_id, sent_at, first_reply_at, answer, first_message in rows:
        first = first_reply_at or first_message
        days = (first - sent_at).total_seconds() / 86400 if first and sent_at else None
        outcomes.append((counterpart_id, first is not None or answer == "yes", days))
    return outcomes


def chunked(ids: Iterable[int], size: int) -> list[list[int]]:
    ids = list(ids)
    return [ids[i:i + size] for i in range(0, len(ids), size)]
