"""Engines for SQLite (WAL, the embedded default) and PostgreSQL, same code."""
from __future__ import annotations

import sqlalchemy as sa

from store.write_turns import take_turns


def make_engine(url: str, *, pool_size: int = 10, durable_commits: bool = True) -> sa.Engine:
    """`durable_commits=False` (SQLite only) is for workers: their commits reach the OS
    at once, so a killed process loses nothing, but are fsynced with the next durable
    commit or checkpoint, so a power cut can undo recent processing, which the
    sweeper then replays (actors are idempotent). The gateway's commits, which a
    250 promises, are always durable."""
    synchronous = "FULL" if durable_commits else "NORMAL"
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit that returned is on disk, so the 250 after it is honest
            # even on power loss. Batched commits keep the fsync cost per message low.
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        take_turns(engine)
        return engine
    return sa.create_engine(url, pool_size=pool_size, max_overflow=20, pool_pre_ping=True)
