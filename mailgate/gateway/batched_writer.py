"""Write-before-ack: commits inbound messages to the store in batches, then hands back their ids.

Sessions that finish DATA while a commit is running wait for the next one, so
under load many messages share one transaction (one fsync) and durability costs
little; with no load a message is committed on its own at once.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence

from mailgate.gateway.dbapi_store import InboundWriter, Received
from store.outage import Outage

log = logging.getLogger(__name__)


class StoreWriter:
    """`after_commit(ids)` (enqueueing, which may wait on Redis) runs on a thread of its
    own after each commit, and the 250s do not wait for it; `on_commit()` runs in the
    event loop and must be quick. Either may be None."""

    def __init__(self, inserter: InboundWriter, after_commit: Callable[[Sequence[int]], None] | None,
                 on_commit: Callable[[], None] | None = None, max_batch: int = 500):
        self.inserter = inserter
        self.after_commit = after_commit
        self.on_commit = on_commit
        self.max_batch = max_batch
        self.batches = self.messages = 0  # for the benchmark's and an operator's curiosity
        self.outage = Outage(log, "storing inbound mail")
        self._queue: asyncio.Queue[tuple[Received, asyncio.Future[int]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        # One thread of its own for the commits (never queued behind RCPT lookups), and
        # one for enqueueing when there is anything to enqueue.
        self._committer = ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._enqueuer = ThreadPoolExecutor(1, thread_name_prefix="enqueue") if after_commit else None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="store-writer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        # Called after the sessions have drained, so no commit should be running; ids
        # not enqueued yet are enqueued now (or, if the process dies first, by the sweeper).
        self._committer.shutdown(wait=True)
        if self._enqueuer:
            self._enqueuer.shutdown(wait=True)
        self.inserter.close()

    async def store(self, received: Received) -> int:
        """Returns the inbound id once the row is committed; raises if it could not be."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((received, future))
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            # One turn of the event loop first: sessions whose DATA ended in the same
            # wake-up join this commit instead of paying for one each (an fsync and a
            # dozen system calls, most of a gateway's CPU beyond aiosmtpd's own).
            await asyncio.sleep(0)
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._commit(batch)
            # Let the raw bytes go now, not when the next message arrives: a large one would
            # otherwise wait in memory beside the next (mailgate/gateway/data_spool.py).
            del batch

    async def _commit(self, batch: list[tuple[Received, asyncio.Future[int]]]) -> None:
        loop = asyncio.get_running_loop()
        try:
            rows = [received for received, _ in batch]
            ids = await loop.run_in_executor(self._committer, self.inserter.insert, rows)
        except Exception as exc:
            if len(batch) == 1:  # the store is down or full, or this row is bad: its sender gets 451
                self.outage.failed(exc)
                if not batch[0][1].done():
                    batch[0][1].set_exception(exc)
                return
            # One bad row must not fail the others: each again, alone.
            ids = await self._one_by_one(batch)
            if not ids:
                return
        else:
            self.outage.worked()
            for (_, future), inbound_id in zip(batch, ids, strict=True):  # one id per row
                if not future.done():
                    future.set_result(inbound_id)
        self.batches += 1
        self.messages += len(ids)
        if self.on_commit:
            self.on_commit()
        if self._enqueuer:
            loop.run_in_executor(self._enqueuer, self._after_commit, ids)

    async def _one_by_one(self, batch: list[tuple[Received, asyncio.Future[int]]]) -> list[int]:
        """Commit each row of a failed batch on its own; the ids of those that made it. Two
        failures in a row mean the store itself is down: the rest answer 451 without trying."""
        loop = asyncio.get_running_loop()
        ids: list[int] = []
        failures: list[Exception] = []
        for received, future in batch:
            if len(failures) >= 2:  # the store itself is down
                if not future.done():
                    future.set_exception(failures[-1])
                continue
            try:
                [inbound_id] = await loop.run_in_executor(self._committer, self.inserter.insert, [received])
            except Exception as exc:
                self.outage.failed(exc)
                failures.append(exc)
                if not future.done():
                    future.set_exception(exc)
                continue
            failures.clear()
            self.outage.worked()
            ids.append(inbound_id)
            if not future.done():
                future.set_result(inbound_id)
        return ids

    def _after_commit(self, ids: list[int]) -> None:
        assert self.after_commit is not None  # only run when there is one
        try:
            self.after_commit(ids)
        except Exception as exc:  # the store has them; the sweeper will enqueue them
            log.warning("stored inbound %s but could not enqueue: %s", ids, exc)
