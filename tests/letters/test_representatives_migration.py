"""Migration 0012 (representatives) goes up, down and up again on SQLite and PostgreSQL, keeping what was there."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from store.migrate import alembic_config, upgrade

TABLES = {"representative", "representative_seat", "letter"}


def round_trip(url: str) -> None:
    upgrade(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO counterpart (id, slug, name, email, tags, country, url, updated_at)"
                                   " VALUES (9, 'kept-mp', 'Kept', '', '', '', '', CURRENT_TIMESTAMP)"))
        connection.execute(sa.text("INSERT INTO representative (counterpart_id, person_id, postal_address, updated_at)"
                                   " VALUES (9, 'p1', '', CURRENT_TIMESTAMP)"))
        connection.execute(sa.text("INSERT INTO representative_seat (counterpart_id, area_id, area_name, "
                                   "constituency_gss, organization, party, start_date) VALUES "
                                   "(9, 'a', 'Wrexham', 'W07000111', '', '', '2024-07-04')"))
    down_to = ScriptDirectory.from_config(alembic_config(url)).get_revision("0012").down_revision  # 0010, or 0011
    command.downgrade(alembic_config(url), down_to)
    assert not TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(url)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT slug FROM counterpart WHERE id = 9")).scalar() == "kept-mp"
    engine.dispose()


def test_sqlite_round_trip(tmp_path):
    round_trip(f"sqlite:///{tmp_path / 'store.db'}")


@pytest.mark.postgres_redis
def test_postgresql_round_trip(postgres_url):
    round_trip(postgres_url)
