"""The actors parse one large message at a time, and give its memory back.

Parsing costs several times a message's size (its bytes, their text, the lines, the decoded
parts): four 24 MB messages parsed at once by four worker threads took the actors' process up
by about a gigabyte, and glibc kept most of it. Counted here, not timed: how many large
messages are being understood at once, with real messages through the embedded service.
"""
from __future__ import annotations

import threading

import pytest

import processors.inbound
from processors.inbound import LARGE_MESSAGE_BYTES
from tests.harness import make_request


@pytest.fixture
def backend():
    return {}


@pytest.fixture
def parsing_counted(monkeypatch):
    """Wraps the real `understand`: the most large messages inside it at once."""
    real = processors.inbound.understand
    state = {"inside": 0, "most": 0}
    lock, another_came = threading.Lock(), threading.Event()

    def counted(raw, **kwargs):
        if len(raw) < LARGE_MESSAGE_BYTES:
            return real(raw, **kwargs)
        with lock:
            state["inside"] += 1
            state["most"] = max(state["most"], state["inside"])
            if state["inside"] > 1:
                another_came.set()
        another_came.wait(2)  # give a second large message every chance to come in alongside
        try:
            return real(raw, **kwargs)
        finally:
            with lock:
                state["inside"] -= 1

    monkeypatch.setattr(processors.inbound, "understand", counted)
    return state


def test_large_messages_are_parsed_one_at_a_time(make_settings, backend, relay, parsing_counted):
    from tests.harness import LiveService

    service = LiveService(make_settings(relay=relay.address, worker_threads=4)).start()
    try:
        thread = make_request(service)
        address = service.context.addresses.authority_facing(thread.id)
        line = b"x" * 998 + b"\r\n"
        for n in range(3):
            raw = (f"From: Clerk <clerk@ambridge-parish.example>\r\nSubject: Re: scan {n}\r\n\r\n").encode()
            service.send(raw + line * (2 * LARGE_MESSAGE_BYTES // len(line)), "clerk@ambridge-parish.example",
                         [address])
        service.wait_idle(timeout=120)
    finally:
        service.stop()
    assert parsing_counted["most"] == 1
