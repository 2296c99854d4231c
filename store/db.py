"""Engines for SQLite (WAL, the embedded default) and PostgreSQL, same code."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from store.sqlite_file import BUSY_TIMEOUT_MS, apply_pragmas
from store.write_turns import take_turns


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
