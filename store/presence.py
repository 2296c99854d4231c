"""Is there a mailgate store at a URL? Commands other than `serve`, `db upgrade` and `demo` must
not create one by opening it: a command run in the wrong folder would report an empty new store
instead of saying that it found none (issue 11)."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from store.connection_errors import check_reachable
from store.sqlite_file import database_path


def why_no_store(url: str) -> str | None:
    """None when the store is there; else what is missing. SQLite: the file; a database server:
    the migrations' table (`alembic_version`), which every mailgate store has. A server that
    cannot be reached raises StoreUnreachable (store/connection_errors.py)."""
    if url.startswith("sqlite"):
        path = database_path(url)
        if path == ":memory:" or Path(path).is_file():
            return None
        return "no such file"
    check_reachable(url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            migrated = sa.inspect(connection).has_table("alembic_version")
    finally:
        engine.dispose()
    return None if migrated else "the database has no mailgate tables"
