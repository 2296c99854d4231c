"""A large message costs about one copy of itself at each stage: stored, then understood.

Four concurrent 24 MB messages grew `serve` by 5.6 times the bytes in flight: each gateway
read its spooled message back into memory to store it (and SQLite's driver copied it again
to bind it), and the actors' parse of one message with a 24 MB attachment held about 190 MB
of Python objects at its peak (the email package's text of the whole message, a UCS-4
buffer of it, its lines, the joined payload, then the payload's bytes and the decoded part).

Counted here, not timed: the bytes Python holds at the peak (tracemalloc), with real SMTP
sessions into a real SQLite store, and the real parser on a real-shaped message.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import random
import socket
import sqlite3
import tracemalloc

import pytest

from mailgate.gateway.batched_writer import StoreWriter
from mailgate.gateway.client_limits import ClientLimits, Limits
from mailgate.gateway.dbapi_store import InboundWriter
from mailgate.gateway.server import GatewayHandler
from processors.understanding import understand
from store.migrate import upgrade
from tests.faults.test_large_data import MB, THRESHOLD, Gateway, peak_while_sending

pytestmark = pytest.mark.usefixtures("traced")


@pytest.fixture
def traced():
    tracemalloc.start()
    yield
    tracemalloc.stop()


def letter_with_scan(size: int, seed: int = 1) -> tuple[bytes, bytes]:
    """(message, its attachment's bytes): a letter with a base64 attachment in 76-octet lines,
    as bench/large_data.py sends it."""
    scan = random.Random(seed).randbytes(size * 3 // 4)
    encoded = base64.encodebytes(scan).replace(b"\n", b"\r\n")
    head = (b"From: Records Officer <records@borsetshire.gov.uk>\r\nTo: foi@foi.test\r\n"
            b"Subject: Re: Road maintenance budget\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
            b"Please find the documents attached.\r\n--b\r\nContent-Type: application/pdf; name=\"scan.pdf\"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n")
    return head + encoded + b"--b--\r\n", scan


class StoringHandler(GatewayHandler):
    """The gateway's own handler and store writer, into a real SQLite file; every recipient accepted."""

    def __init__(self, url: str):
        super().__init__(checker=None, writer=StoreWriter(InboundWriter(url), None), reads=None,  # type: ignore[arg-type]
                         limits=ClientLimits(Limits(), "foi.test"))

    async def handle_RCPT(self, server, session, envelope, address, options):
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_spooled_message_goes_to_the_store_without_being_loaded(tmp_path):
    url = f"sqlite:///{tmp_path / 'mailgate.db'}"
    upgrade(url)
    handler = StoringHandler(url)
    gateway = Gateway(handler)
    asyncio.run_coroutine_threadsafe(_start(handler.writer), gateway.loop).result(10)
    raw, _ = letter_with_scan(8 * MB)
    try:
        peak = peak_while_sending(gateway.port, [raw + b".\r\n"], ok=b"\r\n250 2.0.0 Ok: stored as 1\r\n")
    finally:
        asyncio.run_coroutine_threadsafe(handler.writer.stop(), gateway.loop).result(10)
        gateway.stop()
    with sqlite3.connect(tmp_path / "mailgate.db") as connection:
        stored, size = connection.execute("SELECT raw, size FROM inbound_message WHERE id = 1").fetchone()
    assert size == len(raw) and hashlib.sha256(stored).digest() == hashlib.sha256(raw).digest()
    # What the reader holds below the threshold before it spools, and the chunks it copies
    # into the store: not the message.
    assert peak < 2 * THRESHOLD + MB, f"{peak / MB:.1f} MB held to store a {len(raw) / MB:.1f} MB message"


async def _start(writer: StoreWriter) -> None:
    writer.start()


def test_a_large_attachment_is_understood_holding_about_one_copy():
    understand(letter_with_scan(64 * 1024)[0])  # the parsers' modules are imported once, not counted
    raw, scan = letter_with_scan(8 * MB)
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    understood = understand(raw)
    _, peak = tracemalloc.get_traced_memory()
    [attachment] = understood.attachments
    assert attachment.filename == "scan.pdf" and attachment.sha256 == hashlib.sha256(scan).hexdigest()
    assert understood.body_text == "Please find the documents attached."
    # The decoded attachment (3/4 of the message) and little else: the message is the caller's.
    assert peak - before < len(raw), f"{(peak - before) / MB:.1f} MB held to understand {len(raw) / MB:.1f} MB"


def test_a_reply_with_a_large_scan_is_received_stored_and_published_holding_about_one_copy(make_settings, relay):
    from sqlmodel import Session, select

    from store.models import Attachment
    from tests.harness import LiveService, make_request

    service = LiveService(make_settings(relay=relay.address, worker_threads=1)).start()
    try:
        thread = make_request(service)  # to Ambridge Parish Council, whose clerk replies
        address = service.context.addresses.authority_facing(thread.id)
        first_page = letter_with_scan(64 * 1024, seed=2)[0].replace(b"Please find the documents attached.",
                                                                     b"The first page, to begin with.")
        send_over_smtp(service.port, address, first_page)  # the parsers' modules imported once, not counted
        service.wait_idle(timeout=120)
        raw, scan = letter_with_scan(8 * MB)
        raw = raw.replace(b"records@borsetshire.gov.uk", b"clerk@ambridge-parish.example")
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        send_over_smtp(service.port, address, raw)
        service.wait_idle(timeout=300)
        _, peak = tracemalloc.get_traced_memory()
        with Session(service.context.engine) as session:
            stored = session.exec(select(Attachment).where(Attachment.sha256 == hashlib.sha256(scan).hexdigest())).one()
            assert stored.filename == "scan.pdf" and stored.size == len(scan) and stored.released
    finally:
        service.stop()
    # In the actors, the message as loaded from the store and the decoded attachment (1.75 times
    # the message), and a window of the check for personal data; in the gateway, what it buffers
    # before it spools (not at the same time): not 7 times the message, as it was.
    assert peak - before < 2 * len(raw), f"{(peak - before) / MB:.1f} MB held for a {len(raw) / MB:.1f} MB reply"


def send_over_smtp(port: int, rcpt: str, raw: bytes) -> None:
    """The message as it is (no dot-stuffing needed: no line starts with a dot), and its 250."""
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.recv(1000)
        sock.sendall(f"EHLO clerk.example\r\nMAIL FROM:<clerk@ambridge-parish.example>\r\nRCPT TO:<{rcpt}>\r\n"
                     "DATA\r\n".encode())
        answers = b""
        while b"354" not in answers:
            answers += sock.recv(1000)
        sock.sendall(raw)  # not raw + the end: that would be a copy of the message, here in the test
        sock.sendall(b".\r\nQUIT\r\n")
        while chunk := sock.recv(1000):
            answers += chunk
    assert b"\r\n250 2.0.0 Ok: stored as" in answers, answers
