"""Each migration that adds tables goes up, down and up again on SQLite and PostgreSQL, keeping the
rows that were there before it: the newest revision's tables are filled, the store is taken down to
the revision before, the tables are gone and the older rows stay, and going up again restores them.
A migration that adds tables adds one `TableMigration` here."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from store.migrate import alembic_config, upgrade

NOW = "CURRENT_TIMESTAMP"
KEPT_COUNTERPART = ("INSERT INTO counterpart (id, slug, name, email, tags, country, url, updated_at)"
                    f" VALUES (7, 'kept', 'Kept', '', '', '', '', {NOW})")


@dataclass(frozen=True)
class TableMigration:
    revision: str
    tables: frozenset[str]
    rows: tuple[str, ...]  # the first rows are older than the revision and must survive its downgrade
    kept: str              # a query whose answer is 'kept' after the round trip


MIGRATIONS = (
    TableMigration("0010", frozenset({"body_area", "body_contact", "postcode_point"}), (
        KEPT_COUNTERPART,
        f"INSERT INTO body_area (counterpart_id, geometry, gss_codes, updated_at) VALUES (7, '', '[\"E1\"]', {NOW})",
    ), "SELECT slug FROM counterpart WHERE id = 7"),
    TableMigration("0011", frozenset({"report", "report_recipient", "report_photo", "report_state_change"}), (
        "INSERT INTO thread (id, kind, title, body, state, public, hidden, who_may_post, citizen_name, citizen_email,"
        " awaiting_classification, created_at, last_activity_at, updated_at, reminded) VALUES (5, 'report', 'kept',"
        f" '', 'open', true, false, 'anybody', '', '', false, {NOW}, {NOW}, {NOW}, '[]')",
        "INSERT INTO report (thread_id, category, postcode, location_source, reporter_name, asking, rounds)"
        " VALUES (5, 'Potholes', '', '', '', '', 0)",
    ), "SELECT title FROM thread WHERE id = 5"),
    TableMigration("0012", frozenset({"representative", "representative_seat", "letter"}), (
        KEPT_COUNTERPART,
        f"INSERT INTO representative (counterpart_id, person_id, postal_address, updated_at) VALUES (7, 'p1', '', {NOW})",
        "INSERT INTO representative_seat (counterpart_id, area_id, area_name, constituency_gss, organization, party,"
        " start_date) VALUES (7, 'a', 'Wrexham', 'W07000111', '', '', '2024-07-04')",
    ), "SELECT slug FROM counterpart WHERE id = 7"),
    TableMigration("0013", frozenset({"subscriber", "alert", "alert_sent"}), (
        KEPT_COUNTERPART,
        f"INSERT INTO subscriber (id, email, created_at) VALUES (3, 'reader@example.org', {NOW})",
    ), "SELECT slug FROM counterpart WHERE id = 7"),
    TableMigration("0014", frozenset({"letter_fingerprint", "letter_allowed_sender"}), (
        KEPT_COUNTERPART,
    ), "SELECT slug FROM counterpart WHERE id = 7"),
)


def round_trip(url: str, migration: TableMigration) -> None:
    upgrade(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for row in migration.rows:
            connection.execute(sa.text(row))
    before = ScriptDirectory.from_config(alembic_config(url)).get_revision(migration.revision).down_revision
    command.downgrade(alembic_config(url), before)
    assert not migration.tables & set(sa.inspect(engine).get_table_names())
    upgrade(url)
    assert migration.tables <= set(sa.inspect(engine).get_table_names())
    with engine.connect() as connection:
        assert connection.execute(sa.text(migration.kept)).scalar() == "kept"
    engine.dispose()


@pytest.mark.parametrize("migration", MIGRATIONS, ids=lambda m: m.revision)
def test_sqlite_round_trip(tmp_path, migration):
    round_trip(f"sqlite:///{tmp_path / 'store.db'}", migration)


@pytest.mark.postgres_redis
@pytest.mark.parametrize("migration", MIGRATIONS, ids=lambda m: m.revision)
def test_postgresql_round_trip(postgres_url, migration):
    round_trip(postgres_url, migration)
