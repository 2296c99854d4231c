"""The gateway writes and reads the store without the ORM: prove its rows are the ORM's rows."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session

from mailgate.gateway.data_spool import CHUNK_BYTES, Spooled, spill
from mailgate.gateway.dbapi_store import InboundWriter, Received, ThreadReader
from store.db import make_engine
from store.migrate import upgrade
from store.models import Counterpart, InboundMessage, Thread
from store.states import InboundState, WhoMayPost


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres_redis)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'mailgate.db'}"
    else:
        url = request.getfixturevalue("postgres_url").replace("postgresql://", "postgresql+psycopg://", 1)
    upgrade(url)
    return url


def test_inbound_rows_written_by_the_gateway_read_back_through_the_orm(store_url):
    raw = "Subject: caf\u00e9\r\n\r\nbinary \x00\xff and 8-bit \u00e9\r\n".encode("utf-8", "surrogateescape")
    writer = InboundWriter(store_url)
    before = datetime.now(timezone.utc)
    try:
        ids = writer.insert([Received("clerk@council.example", ["foi@foi.test", "req-1-x@foi.test"], raw, "10.0.0.7"),
                             Received("", ["foi@foi.test"], b"x", "::1")])
    finally:
        writer.close()
    assert len(ids) == 2 and ids[1] == ids[0] + 1
    engine = make_engine(store_url)
    try:
        with Session(engine) as session:
            first, second = session.get(InboundMessage, ids[0]), session.get(InboundMessage, ids[1])
            assert first.raw == raw and first.size == len(raw)
            assert first.rcpt_to == ["foi@foi.test", "req-1-x@foi.test"] and first.mail_from == "clerk@council.example"
            assert first.peer == "10.0.0.7" and first.state == InboundState.RECEIVED and first.attempts == 0
            assert first.received_at.tzinfo is not None
            assert before - timedelta(seconds=1) <= first.received_at <= datetime.now(timezone.utc)
            assert first.updated_at == first.received_at and first.last_error == ""
            assert second.mail_from == "" and second.raw == b"x"
    finally:
        engine.dispose()


def test_a_spooled_message_is_stored_byte_for_byte(store_url):
    # Larger than a chunk, not a multiple of it, with every byte value: SQLite fills it in through
    # incremental blob I/O, PostgreSQL binds it read back whole.
    raw = bytes(range(256)) * (3 * CHUNK_BYTES // 256) + b"end\r\n"
    spooled = Spooled(spill(bytearray(raw)))
    writer = InboundWriter(store_url)
    try:
        [inbound_id] = writer.insert([Received("o\\brien@council.example", ["foi@foi.test", "b\\c@foi.test"],
                                               spooled, "10.0.0.7", helo="mx\\1.council.example")])
    finally:
        writer.close()
        spooled.close()
    engine = make_engine(store_url)
    try:
        with Session(engine) as session:
            stored = session.get(InboundMessage, inbound_id)
            assert stored.raw == raw and stored.size == len(raw) and stored.mail_from == "o\\brien@council.example"
            assert stored.rcpt_to == ["foi@foi.test", "b\\c@foi.test"] and stored.helo == "mx\\1.council.example"
            assert stored.state == InboundState.RECEIVED and stored.attempts == 0 and stored.last_error == ""
            assert stored.received_at.tzinfo is not None and stored.updated_at == stored.received_at
    finally:
        engine.dispose()


def test_rcpt_reads_thread_facts_with_the_authority_email(store_url):
    engine = make_engine(store_url)
    try:
        with Session(engine) as session:
            authority = Counterpart(slug="council", name="Council", email="foi@council.example")
            session.add(authority)
            session.flush()
            with_authority = Thread(title="Verges", state="waiting_response", counterpart_id=authority.id,
                                    who_may_post=WhoMayPost.AUTHORITY_ONLY)
            without = Thread(title="Letter", state="sent")
            session.add_all([with_authority, without])
            session.commit()
            wanted = (with_authority.id, without.id, 999_999)
    finally:
        engine.dispose()
    reader = ThreadReader(store_url)
    try:
        facts = sorted(reader.facts(wanted))
        assert facts == sorted([(wanted[0], "Verges", "waiting_response", "authority_only", "foi@council.example"),
                                (wanted[1], "Letter", "sent", "anybody", None)])
        assert reader.facts((999_999,)) == []  # asked again on the same connection: no transaction left open
    finally:
        reader.close()


def test_a_failed_batch_raises_and_the_next_one_gets_a_fresh_connection(tmp_path):
    url = f"sqlite:///{tmp_path / 'mailgate.db'}"
    writer = InboundWriter(url)
    try:
        with pytest.raises(Exception, match="no such table"):
            writer.insert([Received("a@b.example", ["foi@foi.test"], b"x", "127.0.0.1")])  # not migrated yet
        upgrade(url)
        assert writer.insert([Received("a@b.example", ["foi@foi.test"], b"x", "127.0.0.1")]) == [1]
    finally:
        writer.close()


@pytest.mark.postgres_redis
def test_a_spooled_message_goes_to_postgresql_in_chunks(postgres_url):
    import tracemalloc

    url = postgres_url.replace("postgresql://", "postgresql+psycopg://", 1)
    upgrade(url)
    raw = b"Subject: scan\r\n\r\n" + b"A" * 76 * 100_000 + b"\r\n"  # 7.6 MB
    spooled = Spooled(spill(bytearray(raw)))
    writer = InboundWriter(url)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        [inbound_id] = writer.insert([Received("clerk@council.example", ["foi@foi.test"], spooled, "10.0.0.7")])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        writer.close()
        spooled.close()
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            assert session.get(InboundMessage, inbound_id).raw == raw
    finally:
        engine.dispose()
    # A chunk and its hexadecimal text at a time, not the message.
    assert peak - before < 8 * CHUNK_BYTES, f"{(peak - before) / 2**20:.1f} MB held to store {len(raw) / 2**20:.1f} MB"
