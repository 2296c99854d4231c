"""A store outage is logged once when it starts and once when it ends, not once per attempt.

A 20 s PostgreSQL outage wrote 60 MB of log: every failed commit, RCPT check and
actor attempt wrote its own line (and traceback).
"""
from __future__ import annotations

import asyncio
import logging

from mailgate.gateway.batched_writer import StoreWriter
from mailgate.gateway.dbapi_store import InboundWriter, Received
from tests.harness import free_port


def test_a_store_that_is_down_is_logged_once_however_many_messages_wait(caplog):
    # A real PostgreSQL client against a port where nothing listens: every connection is refused.
    writer = StoreWriter(InboundWriter(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"), None)

    async def forty_senders() -> list[BaseException | int]:
        writer.start()
        try:
            received = [Received(f"s{n}@example.org", ["postmaster@foi.test"], b"x", "127.0.0.1") for n in range(40)]
            # twenty at once (batched), then twenty one after another
            answers = list(await asyncio.gather(*(writer.store(r) for r in received[:20]), return_exceptions=True))
            for r in received[20:]:
                try:
                    answers.append(await writer.store(r))
                except Exception as exc:
                    answers.append(exc)
            return answers
        finally:
            await writer.stop()

    with caplog.at_level(logging.INFO):
        answers = asyncio.run(forty_senders())
    assert all(isinstance(answer, Exception) for answer in answers)  # each sender gets its 451
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("mailgate")]
    assert len(lines) == 1 and "storing inbound mail is failing" in lines[0].getMessage()
