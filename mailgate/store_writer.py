"""Write-before-ack: commits inbound messages to the store in batches, then hands back their ids.

Sessions that finish DATA while a commit is running wait for the next one, so
under load many messages share one transaction (one fsync) and durability costs
little; with no load a message is committed on its own at once.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import sqlalchemy as sa

from store.models import InboundMessage, InboundState, utcnow
from store.write_turns import turn_of

log = logging.getLogger(__name__)

_COLUMNS = ("received_at", "updated_at", "mail_from", "rcpt_to", "peer", "raw", "size", "state", "attempts",
            "last_error")


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_to: list[str]
    raw: bytes
    peer: str


class StoreWriter:
    def __init__(self, engine: sa.Engine, after_commit: Callable[[Sequence[int]], None], max_batch: int = 500):
        self.engine = engine
        self.after_commit = after_commit
        self.max_batch = max_batch
        self.batches = self.messages = 0  # for the benchmark's and an operator's curiosity
        self._queue: asyncio.Queue[tuple[Received, asyncio.Future[int]]] = asyncio.Queue()
        self._task: asyncio.Task | None = None
        # One thread of its own for the commits (never queued behind RCPT lookups in the
        # default executor), and one for enqueueing, which the 250 does not wait for.
        self._committer = ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._enqueuer = ThreadPoolExecutor(1, thread_name_prefix="enqueue")
        self._insert = _SQLiteInsert(engine) if engine.dialect.name == "sqlite" else _CoreInsert(engine)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="store-writer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        # Called after the sessions have drained, so no commit should be running; ids
        # not enqueued yet are enqueued now (or, if the process dies first, by the sweeper).
        self._committer.shutdown(wait=True)
        self._enqueuer.shutdown(wait=True)
        self._insert.close()

    async def store(self, received: Received) -> int:
        """Returns the inbound id once the row is committed; raises if it could not be."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((received, future))
        return await future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                ids = await loop.run_in_executor(self._committer, self._insert, [received for received, _ in batch])
            except Exception as exc:  # the store is down or full: every waiter answers 451
                log.error("could not store %d inbound message(s): %s", len(batch), exc)
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            self.batches += 1
            self.messages += len(ids)
            for (_, future), inbound_id in zip(batch, ids):
                if not future.done():
                    future.set_result(inbound_id)
            loop.run_in_executor(self._enqueuer, self._after_commit, ids)

    def _after_commit(self, ids: list[int]) -> None:
        try:
            self.after_commit(ids)
        except Exception as exc:  # the store has them; the sweeper will enqueue them
            log.warning("stored inbound %s but could not enqueue: %s", ids, exc)


def _row(received: Received, now) -> dict[str, Any]:
    return {"received_at": now, "updated_at": now, "mail_from": received.mail_from, "rcpt_to": received.rcpt_to,
            "peer": received.peer, "raw": received.raw, "size": len(received.raw), "state": InboundState.RECEIVED,
            "attempts": 0, "last_error": ""}


class _CoreInsert:
    """One INSERT … RETURNING for the batch, through SQLAlchemy Core (PostgreSQL)."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.statement = sa.insert(InboundMessage).returning(InboundMessage.id, sort_by_parameter_order=True)

    def __call__(self, batch: list[Received]) -> list[int]:
        now = utcnow()
        with self.engine.begin() as connection:
            return [row[0] for row in connection.execute(self.statement, [_row(r, now) for r in batch])]

    def close(self) -> None:
        pass


class _SQLiteInsert:
    """The same rows through the sqlite3 module on one connection of the engine: a third of
    the CPU of the Core path per message. Values are converted by the columns' own
    SQLAlchemy types, so the rows are exactly what the Core path writes.

    The insert and commit happen in the connection's write turn (store/write_turns.py),
    like every other writer of the file, so it never sleeps in SQLite's busy handler.
    """

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        table = InboundMessage.__table__
        self.sql = (f"INSERT INTO {table.name} ({', '.join(_COLUMNS)}) "
                    f"VALUES ({', '.join('?' for _ in _COLUMNS)})")
        self.convert = [table.c[name].type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
                        for name in _COLUMNS]
        self.connection: Any = None

    def __call__(self, batch: list[Received]) -> list[int]:
        if self.connection is None:
            self.connection = self.engine.raw_connection()  # WAL, synchronous=FULL: the engine's pragmas
        turn = turn_of(self.connection)  # none for an in-memory database
        if turn is not None:
            turn.take()
        try:
            return self._commit(batch)
        finally:
            if turn is not None:
                turn.give_back()

    def _commit(self, batch: list[Received]) -> list[int]:
        now = utcnow()
        rows = [tuple(value if convert is None else convert(value) for convert, value in
                      zip(self.convert, _row(r, now).values())) for r in batch]
        cursor = self.connection.cursor()
        try:
            ids = []
            for row in rows:  # sqlite3's executemany cannot give back the ids
                cursor.execute(self.sql, row)
                ids.append(cursor.lastrowid)
            self.connection.commit()
            return ids
        except BaseException:
            self._discard()
            raise
        finally:
            cursor.close()

    def _discard(self) -> None:
        connection, self.connection = self.connection, None
        try:
            connection.invalidate()  # rolls back; the next batch takes a fresh connection
        except Exception:
            pass

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
