"""Migration 0010 (places tables) goes up, down and up again on SQLite and PostgreSQL, keeping what was there."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from store.migrate import alembic_config, upgrade


def round_trip(url: str) -> None:
    upgrade(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO counterpart (id, slug, name, email, tags, country, url, updated_at)"
                                   " VALUES (7, 'kept-council', 'Kept', '', '', '', '', CURRENT_TIMESTAMP)"))
        connection.execute(sa.text("INSERT INTO body_area (counterpart_id, geometry, gss_codes, updated_at)"
                                   " VALUES (7, '', '[\"E1\"]', CURRENT_TIMESTAMP)"))
    command.downgrade(alembic_config(url), "0008")
    assert not {"body_area", "body_contact", "postcode_point"} & set(sa.inspect(engine).get_table_names())
    upgrade(url)
    assert {"body_area", "body_contact", "postcode_point"} <= set(sa.inspect(engine).get_table_names())
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT slug FROM counterpart WHERE id = 7")).scalar() == "kept-council"
    engine.dispose()


def test_sqlite_round_trip(tmp_path):
    round_trip(f"sqlite:///{tmp_path / 'store.db'}")


@pytest.mark.postgres_redis
def test_postgresql_round_trip(postgres_url):
    round_trip(postgres_url)
