"""The gateway's quicker DATA (mailgate/gateway/fast_data.py) against aiosmtpd's own, byte for byte.

Real servers on ephemeral ports, one with aiosmtpd's DATA and one with ours, get the same raw
bytes over TCP; their replies and the content they hand the handler must match.

Where ours differs on purpose, the comparison says so:
- a line over 998 octets is kept, as Postfix keeps it (real mail has them), where aiosmtpd
  answers 500: those cases are compared with aiosmtpd whose line limit is raised out of reach;
- a bare LF ends a line and is stored as CRLF, and only CRLF.CRLF ends the data (Postfix 3.9's
  `smtpd_forbid_bare_newline = normalize`), where aiosmtpd keeps the LF as it came: those
  cases state the content expected (tests/faults/test_data_lines.py has the smuggling cases).
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


class LongLinesSMTP(SMTP):
    line_length_limit = 1 << 20  # aiosmtpd's DATA with no line limit in reach, as Postfix reads lines


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
    for name, server_class in (("aiosmtpd", SMTP), ("aiosmtpd, long lines", LongLinesSMTP), ("quick", QuickSMTP)):
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
    "bare CR stays as it is": [ENVELOPE, b"DATA\r\n", b"a\rb\r\n\rc\r\n.\r\n"],
    "terminator split over segments": [ENVELOPE, b"DATA\r\n", b"Subject: y\r\n\r\nbody\r", b"\n.", b"\r\n"],
    "8-bit and NUL": [ENVELOPE, b"DATA\r\n", "caf\u00e9 \u2603\r\n".encode() + b"\x00\xff\r\n.\r\n"],
    "longest line allowed": [ENVELOPE, b"DATA\r\n", b"x" * 998 + b"\r\n.\r\n"],
    "over the size limit": [ENVELOPE, b"DATA\r\n", b"".join(b"%04d " % n + b"w" * 70 + b"\r\n" for n in range(80))
                            + b".\r\n"],
    "next transaction after an error": [ENVELOPE, b"DATA\r\n", (b"q" * 900 + b"\r\n") * 5 + b".\r\n",
                                        b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n",
                                        b"fine\r\n.\r\n"],
    "pipelined command after the end": [ENVELOPE, b"DATA\r\n", b"p\r\n.\r\nNOOP\r\n"],
    "DATA with an argument": [ENVELOPE, b"DATA now\r\n"],
    "DATA before RCPT": [b"EHLO client.example\r\nMAIL FROM:<a@example.org>\r\nDATA\r\n"],
}
# Kept, not refused: compared with aiosmtpd whose line limit is out of reach. Ours reads them
# in pieces of its reader's buffer (1001 octets), so each crosses that buffer.
LONG_LINES = {
    "one byte too long for aiosmtpd": [ENVELOPE, b"DATA\r\n", b"x" * 1000 + b"\r\n.\r\n"],
    "far too long, ending in a dot": [ENVELOPE, b"DATA\r\n", b"y" * 3000 + b"\r\n", b".\r\n", b"after\r\n.\r\n"],
    "a line over the reader's limit, then more": [ENVELOPE, b"DATA\r\n", b"z" * 1500, b".\r\nok\r\n.\r\n"],
    "an over-long line whose last piece is a lone dot": [ENVELOPE, b"DATA\r\n", b"z" * 1500 + b".",
                                                         b"\r\nrest\r\n.\r\n"],
    "a CR and its LF in separate pieces": [ENVELOPE, b"DATA\r\n", b"c" * 1200 + b"\r", b"\n.\r\n"],
    "a long dot-stuffed line": [ENVELOPE, b"DATA\r\n", b"." * 2500 + b"\r\n.\r\n"],
    "too long and too big": [ENVELOPE, b"DATA\r\n", b"v" * 2000 + b"\r\n" + b"u" * 900 + b"\r\n" * 5 + b".\r\n"],
}
# A bare LF is a line end, stored as CRLF; only CRLF.CRLF ends the data; every line is unstuffed.
BARE_LF = {
    "bare LF lines": (b"a\nb\n\nc\r\n.\r\n", b"a\r\nb\r\n\r\nc\r\n"),
    "dot-stuffed after a bare LF": (b"a\n..b\n.c\r\n.\r\n", b"a\r\n.b\r\nc\r\n"),
    "a lone dot after a bare LF is content": (b"a\n.\r\nb\r\n.\r\n", b"a\r\n\r\nb\r\n"),
    "a lone dot ending in a bare LF is content": (b"a\r\n.\nb\r\n.\r\n", b"a\r\n\r\nb\r\n"),
    "a bare LF over the reader's limit": (b"w" * 1500 + b"\nend\r\n.\r\n", b"w" * 1500 + b"\r\nend\r\n"),
}


def results_of(servers, name: str, pieces: list[bytes]) -> tuple[bytes, list[bytes]]:
    control, handler = servers[name]
    handler.contents.clear()
    replies = conversation(control.port, pieces)
    return replies, list(handler.contents)


@pytest.mark.parametrize("case", CASES)
def test_quick_data_answers_and_stores_exactly_what_aiosmtpd_does(servers, case):
    quick = results_of(servers, "quick", CASES[case])
    assert quick == results_of(servers, "aiosmtpd", CASES[case])
    assert quick[0].count(b"\r\n") >= 4  # the conversation really happened


@pytest.mark.parametrize("case", LONG_LINES)
def test_long_lines_are_kept_as_aiosmtpd_keeps_them_with_no_line_limit(servers, case):
    quick = results_of(servers, "quick", LONG_LINES[case])
    assert quick == results_of(servers, "aiosmtpd, long lines", LONG_LINES[case])
    assert b"500" in results_of(servers, "aiosmtpd", LONG_LINES[case])[0]  # where aiosmtpd itself refuses
    assert b"Line too long" not in quick[0]


@pytest.mark.parametrize("case", BARE_LF)
def test_bare_lf_ends_a_line_stored_as_crlf(servers, case):
    sent, stored = BARE_LF[case]
    replies, contents = results_of(servers, "quick", [ENVELOPE, b"DATA\r\n", sent])
    assert contents == [stored] and replies.endswith(b"250 OK %d bytes\r\n221 Bye\r\n" % len(stored))


def test_the_cases_cover_every_outcome(servers):
    control, handler = servers["quick"]
    replies = b"".join(conversation(control.port, cases[case]) for cases in (CASES, LONG_LINES) for case in cases)
    for expected in (b"250 OK 0 bytes", b"552 Error: Too much mail data", b"250 OK 1002 bytes",
                     b"503 Error: need RCPT command", b"501 Syntax: DATA"):
        assert expected in replies
