"""How every connection to mailgate's SQLite file is set up: the ORM's engines and the
gateways' plain sqlite3 connections alike (this module imports neither SQLAlchemy nor the models)."""
from __future__ import annotations

from typing import Any

BUSY_TIMEOUT_MS = 30_000


def apply_pragmas(dbapi_connection: Any, *, durable: bool) -> None:
    """WAL, foreign keys, secure deletion, and how hard a commit reaches the disk.

    secure_delete: what a row held is overwritten with zeros when it is deleted or replaced, so
    that text mailgate promises to delete (a letter's, after 28 days) does not stay readable in
    free pages of the file (processors/letters/retention.py; `checkpoint_and_truncate` empties the WAL).

    FULL (durable): a commit that returned is on disk, so a 250 sent after it is
    honest even on power loss; batched commits keep the fsync cost per message low.
    NORMAL: reaches the OS at once (a killed process loses nothing) and the disk with
    the next durable commit or checkpoint.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA secure_delete=ON")
    finally:
        cursor.close()


def checkpoint_and_truncate(dbapi_connection: Any) -> None:
    """Copy the WAL into the database file and empty it: old versions of rows live in the WAL
    until then, so a deletion is complete only after this."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        cursor.close()


def database_path(url: str) -> str:
    """The file of a ``sqlite:///…`` URL (``:memory:`` for none).

    >>> database_path("sqlite:////var/mailgate/mailgate.db"), database_path("sqlite://")
    ('/var/mailgate/mailgate.db', ':memory:')
    """
    path = url.partition("://")[2].removeprefix("/").partition("?")[0]
    return path or ":memory:"
