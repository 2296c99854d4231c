"""The migrations build exactly the schema the models describe, and carry old data forward, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

import store.models
from store.migrate import upgrade
from store.models import Counterpart, Thread, ThreadMessage
from tests.harness import LiveService


def drift(url: str) -> list:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    finally:
        engine.dispose()


def test_sqlite_schema_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    assert drift(url) == []


@pytest.mark.postgres_redis
def test_postgresql_schema_matches_the_models(postgres_url):
    upgrade(postgres_url)
    assert drift(postgres_url) == []


# A store written at 0004, the head before arrival times: one request out, and a reply from an
# authority whose clock was a year behind, which the old code put before the request.
T_REQUEST = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
T_REPLY = datetime(2026, 11, 3, 10, 0, tzinfo=timezone.utc)


def store_at_0004(url: str) -> None:
    upgrade(url, "0004")
    engine = sa.create_engine(url)
    date = store.models.UTCDateTime()
    with engine.begin() as connection:
        insert = lambda sql, **values: connection.execute(  # noqa: E731
            sa.text(sql).bindparams(*(sa.bindparam(k, type_=date) for k, v in values.items()
                                      if isinstance(v, datetime))), values)
        insert("INSERT INTO authority (id, slug, name, email, tags, country, url, updated_at) VALUES (900,"
               " 'old-council', 'Old Council', 'a@old.example', '', 'GB', '', :t)", t=T_REQUEST)
        insert("INSERT INTO thread (id, kind, title, body, state, public, hidden, who_may_post, authority_id,"
               " citizen_name, citizen_email, awaiting_classification, created_at, sent_at, last_activity_at,"
               " updated_at, reminded) VALUES (900, 'foi', 'Old', '', 'waiting_response', true, false, 'anybody',"
               " 900, 'Sam', 'sam@old.example', false, :t, :t, :t, :t, '[]')", t=T_REQUEST)
        insert("INSERT INTO outbox (id, dedupe_key, kind, thread_id, to_address, from_address, envelope_from,"
               " message_id_header, subject, raw, state, attempts, next_attempt_at, last_error, created_at)"
               " VALUES (900, 'request:900', 'foi_request', 900, 'a@old.example', 'r@foi.test', '', '<o@foi.test>',"
               " 'Old', :raw, 'sent', 1, :t, '', :t)", t=T_REQUEST, raw=b"")
        insert("INSERT INTO inbound_message (id, received_at, mail_from, rcpt_to, peer, raw, size, state,"
               " attempts, last_error, updated_at) VALUES (900, :t, 'a@old.example', '[]', '', :raw, 0, 'done', 1,"
               " '', :t)", t=T_REPLY, raw=b"")
        insert("INSERT INTO thread_message (id, thread_id, outbox_id, direction, kind, from_name, from_address,"
               " subject, public_subject, message_id_header, notes,"
               " hidden, sent_at) VALUES (900, 900, 900, 'outgoing', 'request', 'Sam', '', 'Old', 'Old', '<o@foi.test>', '[]', false, :t)",
               t=T_REQUEST)
        insert("INSERT INTO thread_message (id, thread_id, inbound_id, direction, kind, from_name, from_address,"
               " subject, public_subject, message_id_header, notes,"
               " hidden, sent_at) VALUES (901, 900, 900, 'incoming', 'reply', 'Clerk', 'a@old.example', 'Re: Old',"
               " 'Re: Old', '<r@old.example>', '[]', false, :t)",
               t=T_REPLY - timedelta(days=365))
    engine.dispose()


@pytest.fixture
def old_settings(make_settings, backend, relay):
    settings = make_settings(relay=relay.address, **backend)
    Path(settings.home).mkdir(parents=True, exist_ok=True)
    store_at_0004(settings.sqlalchemy_url)
    return settings


def test_arrival_times_and_counterparts_are_carried_forward(old_settings):
    upgrade(old_settings.sqlalchemy_url)
    engine = sa.create_engine(old_settings.sqlalchemy_url)
    with Session(engine) as session:
        request, reply = session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == 900)
                                      .order_by(ThreadMessage.arrived_at)).all()
        assert (request.id, request.arrived_at) == (900, T_REQUEST)   # the outbox row's creation
        assert (reply.id, reply.arrived_at) == (901, T_REPLY)         # the inbound row's arrival
        assert reply.sent_at == T_REPLY - timedelta(days=365)         # the sender's date, kept
        thread = session.get(Thread, 900)                              # the authority is its counterpart now
        assert session.get(Counterpart, thread.counterpart_id).slug == "old-council"
    engine.dispose()
    assert drift(old_settings.sqlalchemy_url) == []


def test_the_conversation_runs_on_an_upgraded_store(old_settings, relay):
    from tests.foi.test_conversation import test_the_whole_conversation

    service = LiveService(old_settings).start()  # upgrades to head, as serve does
    try:
        test_the_whole_conversation(service, relay)
    finally:
        service.stop()
