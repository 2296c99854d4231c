"""Migration 0011 (report tables) goes up, down and up again on SQLite and PostgreSQL, keeping what was there."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from store.migrate import alembic_config, upgrade

TABLES = {"report", "report_recipient", "report_photo", "report_state_change"}


def round_trip(url: str) -> None:
    upgrade(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO thread (id, kind, title, body, state, public, hidden, who_may_post,"
                                   " citizen_name, citizen_email, awaiting_classification, created_at,"
                                   " last_activity_at, updated_at, reminded) VALUES (5, 'report', 'Kept', '',"
                                   " 'open', true, false, 'anybody', '', '', false, CURRENT_TIMESTAMP,"
                                   " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '[]')"))
        connection.execute(sa.text("INSERT INTO report (thread_id, category, postcode, location_source,"
                                   " reporter_name, asking, rounds) VALUES (5, 'Potholes', '', '', '', '', 0)"))
    command.downgrade(alembic_config(url), "0010")
    assert not TABLES & set(sa.inspect(engine).get_table_names())
    upgrade(url)
    assert set(sa.inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT title FROM thread WHERE id = 5")).scalar() == "Kept"
    engine.dispose()


def test_sqlite_round_trip(tmp_path):
    round_trip(f"sqlite:///{tmp_path / 'store.db'}")


@pytest.mark.postgres_redis
def test_postgresql_round_trip(postgres_url):
    round_trip(postgres_url)
