"""The queue interface: the work that can be asked for, by id, now or after a delay.

The store is the source of truth and the queue only a trigger: every piece of
work is named by the id of a stored row, and a sweeper asks again for whatever
the store says is unfinished. This module is pure (no dramatiq), so the gateway
can enqueue as well as the processors; the runtime binds a `Queue` to a broker
by giving it a `send` function.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Callable


class Work(StrEnum):
    """The kinds of work, each done by the processors' actor of the same name."""

    PROCESS_INBOUND = "process_inbound"
    DELIVER_OUTBOUND = "deliver_outbound"


Send = Callable[[Work, int, int], None]  # (work, row id, delay in milliseconds)


def _nothing_waiting() -> int:
    return 0


@dataclass(frozen=True)
class Queue:
    send: Send
    # Messages waiting in this process's own queue (the in-process broker); 0 where the
    # queue lives elsewhere (Redis) or nowhere.
    waiting: Callable[[], int] = _nothing_waiting

    def process_inbound(self, inbound_id: int, delay: timedelta = timedelta(0)) -> None:
        self.send(Work.PROCESS_INBOUND, inbound_id, _milliseconds(delay))

    def deliver_outbound(self, outbox_id: int, delay: timedelta = timedelta(0)) -> None:
        self.send(Work.DELIVER_OUTBOUND, outbox_id, _milliseconds(delay))


def _milliseconds(delay: timedelta) -> int:
    return max(0, int(delay.total_seconds() * 1000))


def _drop(work: Work, ident: int, delay_ms: int) -> None:
    """Nothing to send to: the stored row waits for the sweeper of a running service."""


LEFT_FOR_THE_SWEEPER = Queue(_drop)
