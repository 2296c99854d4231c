"""What processing a message asks of its thread costs the same in a thread of 20,000 messages
as in one of 20: each query reaches its rows through an index, none walks the thread."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from mailgate.runtime.configs import processors_config
from processors.context import build_context
from processors.foi.responses import receive_response
from processors.threads import is_resend, latest_message_ids
from processors.understanding import Understood
from store.db import make_engine
from store.migrate import upgrade
from store.models import InboundMessage, Outbox, Thread, ThreadMessage

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres_redis)])
def engine(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'store.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def big_thread(engine, size: int) -> int:
    """A thread of `size` authority replies, each with the citizen's notification in the
    outbox, next to a small thread; returns the big one's id."""
    with Session(engine) as session:
        thread, other = Thread(title="Verges", citizen_email="sam@citizen.example"), Thread(title="Potholes")
        session.add_all([thread, other])
        session.commit()
        thread_id, other_id = thread.id, other.id
    with engine.begin() as connection:
        connection.execute(sa.insert(ThreadMessage), [dict(
            thread_id=thread_id if i % 50 else other_id, direction="incoming", kind="reply",
            from_address="clerk@ambridge-parish.example", body_text=f"Answer {i}.", notes=[], hidden=False,
            message_id_header=f"<{i}@ambridge-parish.example>", arrived_at=T0 + timedelta(minutes=(i * 37) % size))
            for i in range(size)])
        connection.execute(sa.insert(Outbox), [dict(
            dedupe_key=f"response:{i}", kind="foi_response", thread_id=thread_id, to_address="sam@citizen.example",
            from_address="r@foi.test", message_id_header=f"<o{i}@foi.test>", raw=b"", next_attempt_at=T0,
            created_at=T0)
            for i in range(size)])
    return thread_id


class Statements:
    """The statements an engine runs while this is open, with their parameters."""

    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def _record(self, _connection, _cursor, statement, parameters, _context, _executemany):
        self.seen.append((statement, parameters))

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    def reading(self, table: str) -> list[tuple[str, object]]:
        return [(s, p) for s, p in self.seen if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s]


def sqlite_plan(engine, statement: str, parameters) -> list[str]:
    with engine.connect() as connection:
        return [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]


def sqlite_opcodes(engine, statement: str, parameters) -> set[str]:
    with engine.connect() as connection:
        return {row[1] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)}


def postgres_plan(engine, statement: str, parameters) -> dict:
    with engine.connect() as connection:
        return connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()[0]["Plan"]


def postgres_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from postgres_nodes(child)


def test_a_resend_and_the_latest_ids_are_found_through_the_composite_indexes(engine):
    """SQLite as the store runs it (no ANALYZE): with only the single-column indexes it chose
    thread_id's and read every message of the thread, for each message processed."""
    thread_id = big_thread(engine, 2000)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE thread_message")
    with Session(engine) as session, Statements(engine) as statements:
        thread = session.get(Thread, thread_id)
        assert is_resend(session, thread, Understood(message_id="1999@ambridge-parish.example",
                                                      new_text="Answer 1999."))
        in_reply_to, references = latest_message_ids(session, thread)
    (resend, resend_parameters), = statements.reading("thread_message")[:1]
    (latest, latest_parameters), = statements.reading("thread_message")[1:]
    assert len(references) == 10 and "LIMIT" in latest.upper()
    if engine.dialect.name == "sqlite":
        assert sqlite_plan(engine, resend, resend_parameters) == [
            "SEARCH thread_message USING INDEX ix_thread_message_thread_id_message_id_header "
            "(thread_id=? AND message_id_header=?)"]
        # Read backwards along (thread_id, arrived_at, id) until ten fit: no sort of the whole thread.
        assert sqlite_plan(engine, latest, latest_parameters) == [
            "SEARCH thread_message USING INDEX ix_thread_message_thread_id_arrived_at_id (thread_id=?)"]
    else:
        nodes = list(postgres_nodes(postgres_plan(engine, resend, resend_parameters)))
        assert not any(n["Node Type"] == "Seq Scan" for n in nodes)
        assert any("message_id_header" in n.get("Index Cond", "") for n in nodes)
        nodes = list(postgres_nodes(postgres_plan(engine, latest, latest_parameters)))
        assert nodes[0]["Node Type"] == "Limit" and not any(n["Node Type"] in ("Seq Scan", "Sort") for n in nodes)
        assert any(n.get("Index Name") == "ix_thread_message_thread_id_arrived_at_id" for n in nodes)


def old_latest_message_ids(session: Session, thread: Thread) -> tuple[str | None, list[str]]:
    """The definition before it read only the newest ten: every id of the thread, in Python."""
    ids = [mid for mid in session.exec(select(ThreadMessage.message_id_header)
                                       .where(ThreadMessage.thread_id == thread.id)
                                       .where(ThreadMessage.kind.in_(("request", "reply", "follow_up")))
                                       .order_by(ThreadMessage.arrived_at, ThreadMessage.id)).all() if mid]
    return (ids[-1] if ids else None), ids[-10:]


def test_the_latest_ids_are_those_the_whole_thread_gave(engine):
    kinds = ["request", "reply", "auto_reply", "follow_up", "bounce", "reply", "update", "reply", "spam"]
    with Session(engine, expire_on_commit=False) as session:
        thread, other, empty, small = (Thread(title=t) for t in ("Verges", "Potholes", "Bins", "Lamps"))
        session.add_all([thread, other, empty, small])
        session.flush()
        for i in range(40):
            # Dates out of insertion order, some equal (the id decides), some without a Message-ID;
            # the five newest have none, so filtering after the LIMIT would lose five of the ten.
            minutes = 1000 + i if i >= 35 else (i * 17) % 23
            session.add(ThreadMessage(thread_id=thread.id, direction="incoming", kind=kinds[i % len(kinds)],
                                      message_id_header="" if i % 4 == 0 or i >= 35 else f"<{i}@example.org>",
                                      arrived_at=T0 + timedelta(minutes=minutes)))
            session.add(ThreadMessage(thread_id=other.id, direction="incoming", kind="reply",
                                      message_id_header=f"<other-{i}@example.org>",
                                      arrived_at=T0 + timedelta(minutes=5000 + i)))
        for i in range(3):
            session.add(ThreadMessage(thread_id=small.id, direction="outgoing", kind="follow_up",
                                      message_id_header=f"<small-{i}@foi.test>", arrived_at=T0 - timedelta(days=i)))
        session.commit()
        for each in (thread, other, empty, small):
            assert latest_message_ids(session, each) == old_latest_message_ids(session, each)
        assert len(latest_message_ids(session, thread)[1]) == 10
        assert latest_message_ids(session, empty) == (None, [])
        assert latest_message_ids(session, small) == ("<small-0@foi.test>",
                                                      [f"<small-{i}@foi.test>" for i in (2, 1, 0)])


def test_recording_a_reply_in_a_big_thread_walks_neither_the_thread_nor_its_outbox(engine, make_settings):
    """Every statement receive_response runs (thread lock, "already there", resend, the
    citizen's notification) reaches its rows by key, whatever the thread's size."""
    thread_id = big_thread(engine, 500)
    context = build_context(processors_config(make_settings()), engine=engine)
    with Session(engine) as session:
        inbound = InboundMessage(raw=b"x", rcpt_to=[context.addresses.authority_facing(thread_id)])
        session.add(inbound)
        session.commit()
        understood = Understood(message_id="new@ambridge-parish.example", subject="Re: Verges", new_text="Twice.",
                                from_address="clerk@ambridge-parish.example", date=T0 + timedelta(days=30))
        with Statements(engine) as statements:
            note = receive_response(session, context, session.get(Thread, thread_id), inbound, understood)
            session.commit()
    assert note.startswith("reply recorded")
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's plans follow its statistics; the statements are the same
    for statement, parameters in statements.seen:
        verb = statement.lstrip().split()[0].upper()
        if verb in ("SELECT", "UPDATE", "DELETE"):
            plan = sqlite_plan(engine, statement, parameters)
            # censor_rule holds the operator's rules: few, and not per thread.
            assert not [line for line in plan if line.startswith("SCAN") and "censor_rule" not in line], statement
            assert not [line for line in plan if "TEMP B-TREE" in line], statement
            assert not [line for line in plan if "thread_message" in line and line.endswith("(thread_id=?)")], statement
        if verb == "UPDATE" and "UPDATE thread " in statement:
            # A changed thread.id would make SQLite look up every row that points at the thread.
            assert "FkCounter" not in sqlite_opcodes(engine, statement, parameters), statement
    assert any(s.lstrip().startswith("INSERT INTO outbox") for s, _ in statements.seen)  # the citizen is told
