"""Write-before-ack: commits inbound messages to the store in batches, then hands back their ids.

Sessions that finish DATA while a commit is running wait for the next one, so
under load many messages share one transaction (one fsync) and durability costs
little; with no load a message is committed on its own at once.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Callable, Sequence

import sqlalchemy as sa

from store.models import InboundMessage, InboundState, utcnow

log = logging.getLogger(__name__)


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
        self._queue: asyncio.Queue[tuple[Received, asyncio.Future[int]]] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="store-writer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()

    async def store(self, received: Received) -> int:
        """Returns the inbound id once the row is committed; raises if it could not be."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        await self._queue.put((received, future))
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                ids = await asyncio.to_thread(self._commit, [received for received, _ in batch])
            except Exception as exc:  # the store is down or full: every waiter answers 451
                log.error("could not store %d inbound message(s): %s", len(batch), exc)
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), inbound_id in zip(batch, ids):
                if not future.done():
                    future.set_result(inbound_id)

    def _commit(self, batch: list[Received]) -> list[int]:
        now = utcnow()
        rows = [{"received_at": now, "updated_at": now, "mail_from": r.mail_from, "rcpt_to": r.rcpt_to,
                 "peer": r.peer, "raw": r.raw, "size": len(r.raw), "state": InboundState.RECEIVED,
                 "attempts": 0, "last_error": ""} for r in batch]
        statement = sa.insert(InboundMessage).returning(InboundMessage.id, sort_by_parameter_order=True)
        with self.engine.begin() as connection:
            ids = [row[0] for row in connection.execute(statement, rows)]
        try:
            self.after_commit(ids)
        except Exception as exc:  # the store has them; the sweeper will enqueue them
            log.warning("stored inbound %s but could not enqueue: %s", ids, exc)
        return ids
