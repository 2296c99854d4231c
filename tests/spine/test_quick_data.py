"""The gateway's quicker DATA (mailgate/gateway/fast_data.py) against aiosmtpd's own, byte for byte.

Two real servers on ephemeral ports, one with aiosmtpd's DATA and one with ours, get the
same raw bytes over TCP; their replies and the content they hand the handler must match.
"""
from __future__ import annotations

import socket
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from mailgate.gateway.fast_data import QuickData
from tests.harness import free_port

LIMIT = 4096  # data_size_limit, small enough to cross with a few lines


class QuickSMTP(QuickData, SMTP):
    pass


class Recorder:
    def __init__(self):
        self.contents: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.contents.append(envelope.original_content)
        return f"250 OK {len(envelope.original_content)} bytes"


def controller(server_class, handler) -> Controller:
    class ServerController(Controller):
        def factory(self):
            return server_class(self.handler, **self.SMTP_kwargs)

    return ServerController(handler, hostname="127.0.0.1", port=free_port(), data_size_limit=LIMIT,
                            decode_data=False, enable_SMTPUTF8=True)


@pytest.fixture(scope="module")
def servers():
    pair = {}
    for name, server_class in (("aiosmtpd", SMTP), ("quick", QuickSMTP)):
        handler = Recorder()
        control = controller(server_class, handler)
        control.start()
        pair[name] = (control, handler)
    yield pair
    for control, _ in pair.values():
        control.stop()


def conversation(port: int, pieces: list[bytes]) -> bytes:
    """Send each piece (a short pause between, so they arrive as separate segments); all replies."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.recv(1000)
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(0.02)
        sock.sendall(b"QUIT\r\n")
        replies = b""
        while chunk := sock.recv(65536):
            replies += chunk
    return replies


ENVELOPE = b"EHLO client.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
CASES = {
    "empty content": [ENVELOPE, b"DATA\r\n", b".\r\n"],
    "one line": [ENVELOPE, b"DATA\r\n", b"Subject: x\r\n.\r\n"],
    "dot-stuffed lines": [ENVELOPE, b"DATA\r\n", b"..first\r\nmiddle\r\n..\r\n...\r\n.x\r\nend.\r\n.\r\n"],
    "bare LF and CR stay as they are": [ENVELOPE, b"DATA\r\n", b"a\n.b\rc\r\n\n.\r\n.\r\n"],
    "terminator split over segments": [ENVELOPE, b"DATA\r\n", b"Subject: y\r\n\r\nbody\r", b"\n.", b"\r\n"],
    "8-bit and NUL": [ENVELOPE, b"DATA\r\n", "caf\u00e9 \u2603\r\n".encode() + b"\x00\xff\r\n.\r\n"],
    "longest line allowed": [ENVELOPE, b"DATA\r\n", b"x" * 998 + b"\r\n.\r\n"],
    "one byte too long": [ENVELOPE, b"DATA\r\n", b"x" * 1000 + b"\r\n.\r\n"],
    "far too long, ending in a dot": [ENVELOPE, b"DATA\r\n", b"y" * 3000 + b"\r\n", b".\r\n", b"after\r\n.\r\n"],
    "a line over the reader's limit, then more": [ENVELOPE, b"DATA\r\n", b"z" * 1500, b".\r\nok\r\n.\r\n"],
    "an over-long line whose last piece is a lone dot": [ENVELOPE, b"DATA\r\n", b"z" * 1500 + b".",
                                                         b"\r\nrest\r\n.\r\n"],
    "over the size limit": [ENVELOPE, b"DATA\r\n", b"".join(b"%04d " % n + b"w" * 70 + b"\r\n" for n in range(80))
                            + b".\r\n"],
    "too long and too big": [ENVELOPE, b"DATA\r\n", b"v" * 2000 + b"\r\n" + b"u" * 900 + b"\r\n" * 5 + b".\r\n"],
    "next transaction after an error": [ENVELOPE, b"DATA\r\n", b"q" * 1200 + b"\r\n.\r\n",
                                        b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n",
                                        b"fine\r\n.\r\n"],
    "pipelined command after the end": [ENVELOPE, b"DATA\r\n", b"p\r\n.\r\nNOOP\r\n"],
    "DATA with an argument": [ENVELOPE, b"DATA now\r\n"],
    "DATA before RCPT": [b"EHLO client.example\r\nMAIL FROM:<a@example.org>\r\nDATA\r\n"],
}


@pytest.mark.parametrize("case", CASES)
def test_quick_data_answers_and_stores_exactly_what_aiosmtpd_does(servers, case):
    results = {}
    for name, (control, handler) in servers.items():
        handler.contents.clear()
        replies = conversation(control.port, CASES[case])
        results[name] = (replies, list(handler.contents))
    assert results["quick"] == results["aiosmtpd"]
    assert results["quick"][0].count(b"\r\n") >= 4  # the conversation really happened


def test_the_cases_cover_every_outcome(servers):
    control, handler = servers["quick"]
    replies = b"".join(conversation(control.port, CASES[case]) for case in CASES)
    for expected in (b"250 OK 0 bytes", b"500 Line too long", b"552 Error: Too much mail data",
                     b"503 Error: need RCPT command", b"501 Syntax: DATA"):
        assert expected in replies
