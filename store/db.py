"""Engines for SQLite (WAL, the embedded default) and PostgreSQL, same code."""
from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa

from store.sqlite_file import BUSY_TIMEOUT_MS, apply_pragmas
from store.write_turns import READ_ONLY, TURNS, give_back, open_turn


def make_engine(url: str, *, pool_size: int = 10, durable_commits: bool = True) -> sa.Engine:
    """`durable_commits=False` (SQLite only) is for workers: their commits reach the OS
    at once, so a killed process loses nothing, but are fsynced with the next durable
    commit or checkpoint, so a power cut can undo recent processing, which the
    sweeper then replays (actors are idempotent). The gateway's commits, which a
    250 promises, are always durable."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            apply_pragmas(dbapi_connection, durable=durable_commits)

        take_turns(engine)
        return engine
    return sa.create_engine(url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True)


def take_turns(engine: sa.Engine) -> None:
    """Install turn-taking (store/write_turns.py) on a SQLite engine backed by a file
    (in-memory databases need none)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return

    @sa.event.listens_for(engine, "connect")
    def _open(dbapi_connection: Any, _record: Any) -> None:
        TURNS[id(dbapi_connection)] = open_turn(database)

    @sa.event.listens_for(engine, "close")
    def _close(dbapi_connection: Any, _record: Any) -> None:
        turn = TURNS.pop(id(dbapi_connection), None)
        if turn is not None:
            turn.give_back()
            os.close(turn.fd)

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection: sa.Connection, _cursor: Any, statement: str, _parameters: Any, _context: Any,
                      _executemany: bool) -> None:
        if statement.lstrip()[:7].upper().startswith(READ_ONLY):
            return
        turn = TURNS.get(id(connection.connection.dbapi_connection))
        if turn is not None:
            turn.take()

    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            give_back(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            give_back(dbapi_connection)

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback  # type: ignore[method-assign]
