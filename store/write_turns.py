"""Writers to one SQLite file take turns through a lock file, so a waiting writer wakes at once.

SQLite lets one writer in at a time; the others wait in its busy handler, which
sleeps 1, 2, 5 … 100 ms between tries. A gateway whose commit (and so its 250s)
collides with a worker's transaction would sleep far longer than the transaction
lasts. Instead every write transaction first takes an exclusive flock() on
`<database>-write-lock` (one open file per connection, so threads of one process
exclude each other too) and gives it back once the commit or rollback has
returned; a waiter in flock() is woken at that moment. Reads take nothing.

This module is plain Python (the gateway processes use it without SQLAlchemy);
store/db.py hooks it into SQLAlchemy's engines.
"""
from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from typing import Any

READ_ONLY = ("SELECT", "PRAGMA", "WITH", "EXPLAIN")


def lock_path(database: str) -> str:
    return f"{database}-write-lock"


@dataclass
class Turn:
    fd: int
    held: bool = False

    def take(self) -> None:
        if not self.held:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            self.held = True

    def give_back(self) -> None:
        if self.held:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            self.held = False


def open_turn(database: str) -> Turn:
    """A turn of one's own on this database file (one per connection)."""
    return Turn(os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600))


TURNS: dict[int, Turn] = {}  # id(DBAPI connection) → its turn (SQLAlchemy engines' connections)


def turn_of(connection: Any) -> Turn | None:
    """The turn of a sqlite3 connection, or of SQLAlchemy's pool proxy around one."""
    raw = getattr(connection, "dbapi_connection", connection)
    return TURNS.get(id(raw))


def give_back(dbapi_connection: Any) -> None:
    turn = turn_of(dbapi_connection)  # SQLAlchemy hands do_commit its pool proxy
    if turn is not None:
        turn.give_back()
