"""The gateway's own door to the store: insert received mail, read what RCPT needs about threads.

Plain DBAPI (the sqlite3 module, psycopg) instead of SQLAlchemy and the models:
a gateway process then holds little more than aiosmtpd, which is what keeps a
serve tree with several gateways small (docs/performance.md). The rows written
are the ones store/models.py declares; tests/spine/test_gateway_store.py reads
them back through the ORM to prove it.

Each object holds one connection and is used from one thread at a time.
"""
from __future__ import annotations

import binascii
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

import store.clock
from mailgate.gateway.data_spool import Spooled
from store.sqlite_file import BUSY_TIMEOUT_MS, apply_pragmas, database_path
from store.states import InboundState
from store.text import clean_text
from store.write_turns import Turn, open_turn

_INBOUND_COLUMNS = ("received_at", "updated_at", "mail_from", "rcpt_to", "peer", "helo", "raw", "size", "state",
                    "attempts", "last_error")
# One row per thread and counterpart (its own, and any it also went to: thread_counterpart).
_THREAD_FACTS = ("SELECT thread.id, thread.title, thread.state, thread.who_may_post, counterpart.email "
                 "FROM thread LEFT OUTER JOIN thread_counterpart party ON party.thread_id = thread.id "
                 "LEFT OUTER JOIN counterpart ON counterpart.id = thread.counterpart_id "
                 "OR counterpart.id = party.counterpart_id WHERE thread.id IN ({})")


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_to: list[str]
    raw: bytes | Spooled  # a large message stays in its spool file, and goes to the store in chunks
    peer: str  # the client's address: the peer's, or the one a trusted MTA named with XFORWARD
    helo: str = ""  # the name it greeted with (HELO/EHLO/LHLO, or XFORWARD's HELO)


class _Connection:
    """One DBAPI connection to the store, opened on first use and reopened after a failure.
    A writer's (`writes`) commits are durable and, on SQLite, take turns with every other
    writer of the file (store/write_turns.py); a reader needs neither."""

    def __init__(self, url: str, *, writes: bool = False):
        self.url, self.writes = url, writes
        self.sqlite = url.startswith("sqlite")
        self.placeholder = "?" if self.sqlite else "%s"
        self.turn: Turn | None = None
        self._connection: Any = None

    def get(self) -> Any:  # a sqlite3 or psycopg connection
        if self._connection is None:
            self._connection = self._open()
        return self._connection

    def _open(self) -> Any:
        if self.sqlite:
            path = database_path(self.url)
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            apply_pragmas(connection, durable=self.writes)
            if self.writes and path != ":memory:" and self.turn is None:
                self.turn = open_turn(path)
            return connection
        import psycopg  # only a PostgreSQL store pays for it

        return psycopg.connect(libpq_url(self.url))

    def discard(self) -> None:
        """After a failure: roll back and drop the connection; the next use opens a fresh one."""
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                pass

    def close(self) -> None:
        self.discard()


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL of a PostgreSQL store as libpq takes it.

    >>> libpq_url("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    'postgresql://postgres@127.0.0.1:5432/test'
    """
    scheme, sep, rest = url.partition("://")
    return scheme.partition("+")[0] + sep + rest


class InboundWriter:
    """Inserts a batch of received messages and commits it once (one fsync), durably."""

    def __init__(self, url: str):
        self.db = _Connection(url, writes=True)
        marks = [self.db.placeholder for _ in _INBOUND_COLUMNS]
        self.sql = f"INSERT INTO inbound_message ({', '.join(_INBOUND_COLUMNS)}) VALUES ({', '.join(marks)})"
        if not self.db.sqlite:
            self.sql += " RETURNING id"
        # SQLite: a spooled message's row is made with room for it, which is then filled in
        # chunks through incremental blob I/O, in the same transaction.
        marks[_INBOUND_COLUMNS.index("raw")] = "zeroblob(?)"
        self.sql_room_for_raw = f"INSERT INTO inbound_message ({', '.join(_INBOUND_COLUMNS)}) VALUES ({', '.join(marks)})"

    def insert(self, batch: list[Received]) -> list[int]:
        """The new rows' ids, once they are committed; raises if they could not be."""
        connection = self.db.get()
        turn = self.db.turn  # SQLite: every writer of the file takes turns (store/write_turns.py)
        if turn is not None:
            turn.take()
        try:
            ids = self._insert(connection, batch)
            connection.commit()
            return ids
        except BaseException:
            self.db.discard()
            raise
        finally:
            if turn is not None:
                turn.give_back()

    def _insert(self, connection: Any, batch: list[Received]) -> list[int]:
        now = store.clock.now()
        # The column types' own formats: SQLAlchemy keeps DateTime on SQLite as this
        # text (in UTC, store.models.UTCDateTime) and JSON as json.dumps' text.
        when: Any = now.strftime("%Y-%m-%d %H:%M:%S.%f") if self.db.sqlite else now
        as_json = json.dumps if self.db.sqlite else _psycopg_json()
        cursor = connection.cursor()
        ids: list[int] = []
        try:
            for received in batch:  # the DBAPIs' executemany cannot give back the ids
                mail_from, peer = clean_text(received.mail_from), clean_text(received.peer)
                rcpt_to, helo = [clean_text(r) for r in received.rcpt_to], clean_text(received.helo)[:255]
                spooled = received.raw if isinstance(received.raw, Spooled) else None
                if spooled is not None and not self.db.sqlite:  # psycopg binds a value whole: COPY it in
                    ids.append(_copy_spooled(cursor, (when, when, mail_from, json.dumps(rcpt_to), peer, helo, spooled,
                                                      spooled.size, InboundState.RECEIVED, 0, ""), spooled))
                    continue
                sql = self.sql
                raw: bytes | Spooled | int = received.raw  # the value bound: bytes, or a zeroblob's size
                if spooled is not None:
                    sql, raw = self.sql_room_for_raw, spooled.size  # zeroblob(size), filled below
                cursor.execute(sql, (when, when, mail_from, as_json(rcpt_to), peer, helo, raw, len(received.raw),
                                     InboundState.RECEIVED, 0, ""))
                ids.append(cursor.lastrowid if self.db.sqlite else cursor.fetchone()[0])
                if spooled is not None:
                    _fill_blob(connection, ids[-1], spooled)
        finally:
            cursor.close()
        return ids

    def close(self) -> None:
        self.db.close()


def _fill_blob(connection: sqlite3.Connection, row_id: int, spooled: Spooled) -> None:
    """Write a spooled message into the zeroblob made for it, one chunk in memory at a time."""
    with connection.blobopen("inbound_message", "raw", row_id) as blob:
        for chunk in spooled.chunks():
            blob.write(chunk)


def _copy_spooled(cursor: Any, values: tuple[Any, ...], spooled: Spooled) -> int:
    """PostgreSQL: one row by COPY (text format), its raw bytes written as hexadecimal a chunk
    at a time; the id is taken from the sequence first, as COPY cannot return it."""
    cursor.execute("SELECT nextval(pg_get_serial_sequence('inbound_message', 'id'))")
    row_id: int = cursor.fetchone()[0]
    at = _INBOUND_COLUMNS.index("raw")
    before = "\t".join(_copy_field(value) for value in (row_id, *values[:at]))
    after = "\t".join(_copy_field(value) for value in values[at + 1:])
    with cursor.copy(f"COPY inbound_message (id, {', '.join(_INBOUND_COLUMNS)}) FROM STDIN") as copy:
        copy.write(before.encode() + b"\t\\\\x")  # bytea's hex form, its backslash escaped for COPY
        for chunk in spooled.chunks():
            copy.write(binascii.hexlify(chunk))
        copy.write(b"\t" + after.encode() + b"\n")
    return row_id


def _copy_field(value: Any) -> str:
    """A value as COPY's text format reads it: backslash, tab and line ends escaped."""
    text = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _psycopg_json() -> Callable[[Any], Any]:
    from psycopg.types.json import Json  # only a PostgreSQL store pays for it

    return Json


class ThreadReader:
    """Reads (id, title, state, who_may_post, counterpart email) of threads, for RCPT: a row for each
    counterpart of a thread."""

    def __init__(self, url: str):
        self.db = _Connection(url)

    def facts(self, thread_ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
        connection = self.db.get()
        sql = _THREAD_FACTS.format(", ".join(self.db.placeholder for _ in thread_ids))
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, thread_ids)
                return [tuple(row) for row in cursor.fetchall()]
            finally:
                cursor.close()
                connection.rollback()  # end the read transaction: no snapshot held between RCPTs
        except BaseException:
            self.db.discard()
            raise

    def close(self) -> None:
        self.db.close()
