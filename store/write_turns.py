"""Writers to one SQLite file take turns through a lock file, so a waiting writer wakes at once.

SQLite lets one writer in at a time; the others wait in its busy handler, which
sleeps 1, 2, 5 … 100 ms between tries. A gateway whose commit (and so its 250s)
collides with a worker's transaction would sleep far longer than the transaction
lasts. Instead every write transaction first takes an exclusive flock() on
`<database>-write-lock` (one open file per connection, so threads of one process
exclude each other too) and gives it back once the commit or rollback has
returned; a waiter in flock() is woken at that moment. Reads take nothing.
"""
from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the gateways use open_turn without loading SQLAlchemy
    import sqlalchemy as sa

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


_turns: dict[int, Turn] = {}  # id(DBAPI connection) → its turn


def take_turns(engine: sa.Engine) -> None:
    """Install turn-taking on a SQLite engine backed by a file (in-memory databases need none)."""
    import sqlalchemy as sa

    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return

    @sa.event.listens_for(engine, "connect")
    def _open(dbapi_connection: Any, _record: Any) -> None:
        _turns[id(dbapi_connection)] = open_turn(database)

    @sa.event.listens_for(engine, "close")
    def _close(dbapi_connection: Any, _record: Any) -> None:
        turn = _turns.pop(id(dbapi_connection), None)
        if turn is not None:
            turn.give_back()
            os.close(turn.fd)

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection: sa.Connection, _cursor: Any, statement: str, _parameters: Any, _context: Any,
                      _executemany: bool) -> None:
        if statement.lstrip()[:7].upper().startswith(READ_ONLY):
            return
        turn = _turns.get(id(connection.connection.dbapi_connection))
        if turn is not None:
            turn.take()

    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            _give_back(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            _give_back(dbapi_connection)

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback  # type: ignore[method-assign]


def turn_of(connection: Any) -> Turn | None:
    """The turn of a sqlite3 connection, or of SQLAlchemy's pool proxy around one."""
    raw = getattr(connection, "dbapi_connection", connection)
    return _turns.get(id(raw))


def _give_back(dbapi_connection: Any) -> None:
    turn = turn_of(dbapi_connection)  # SQLAlchemy hands do_commit its pool proxy
    if turn is not None:
        turn.give_back()
