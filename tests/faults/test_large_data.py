"""Large DATA costs one copy of one message at a time, however many arrive together.

Four concurrent 24 MB messages took `serve` from 80 MB to 1.37 GB: DATA kept every line as a
bytes object, joined them (a second copy), undid dot-stuffing with a regex (a third) and all
sessions did so at once. Now the content is spooled to a temporary file past
`spool_threshold`, and a large message is handed to the handler as that file (which the
gateway's handler stores in chunks: tests/faults/test_large_message_memory.py), by one session
at a time.

The gateway's own servers (`start_servers`, as `serve` starts them) run on an ephemeral port in
a thread of this process; real clients send over TCP; tracemalloc counts the bytes Python
holds at the peak. Work is bounded by counting bytes, never by timing.
"""
from __future__ import annotations

import asyncio
import resource
import signal
import socket
import threading
import tracemalloc

import pytest

from mailgate.gateway.client_limits import ClientLimits, Limits
from mailgate.gateway.config import GatewayConfig
from mailgate.gateway.server import listening_socket, start_servers

MB = 1024 * 1024
THRESHOLD = MB  # the default spool_threshold


class Recorder:
    """A handler that keeps nothing: the length of each content, and how many were in it at once."""

    def __init__(self, wait_for: int = 1):
        self.limits = ClientLimits(Limits(), "foi.test")  # the front door counts clients for its handler
        self.xforward_hosts = ()
        self.lengths: list[int] = []
        self.inside = self.most_inside = 0
        self.wait_for = wait_for

    async def handle_RCPT(self, server, session, envelope, address, options):
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        # Give the other sessions a fair chance to come in too (they would, unless made to
        # wait their turn): a bounded number of turns of the event loop, not a time.
        for _ in range(5000):
            if self.inside >= self.wait_for:
                break
            await asyncio.sleep(0)
        self.lengths.append(len(envelope.original_content))
        self.inside -= 1
        return "250 OK"


class Gateway:
    def __init__(self, handler):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        sock = listening_socket("127.0.0.1:0", "MAILGATE_SMTP", reuse_port=False)
        self.port = sock.getsockname()[1]
        config = GatewayConfig(database_url="sqlite://", domain="foi.test", secret="s", max_message_size=32 * MB)
        self.servers = asyncio.run_coroutine_threadsafe(start_servers(config, handler, {"smtp": sock}),
                                                        self.loop).result(10)

    def stop(self):
        for server in self.servers:
            self.loop.call_soon_threadsafe(server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def message(size: int, tag: int) -> bytes:
    line = b"%03d " % tag + b"x" * 990 + b"\r\n"
    return b"Subject: big\r\n\r\n" + line * (size // len(line)) + b".\r\n"


def send(port: int, data: bytes, replies: list[bytes]) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.recv(1000)
        sock.sendall(b"EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@foi.test>\r\nDATA\r\n")
        answers = b""
        while b"354" not in answers:
            answers += sock.recv(1000)
        sock.sendall(data)
        sock.sendall(b"QUIT\r\n")
        while chunk := sock.recv(1000):
            answers += chunk
    replies.append(answers)


def peak_while_sending(port: int, payloads: list[bytes], ok: bytes = b"\r\n250 OK\r\n") -> int:
    """Bytes Python held at the peak, above what it held before, while `payloads` went in at once
    (each answered with `ok`)."""
    replies: list[bytes] = []
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    clients = [threading.Thread(target=send, args=(port, payload, replies)) for payload in payloads]
    for client in clients:
        client.start()
    for client in clients:
        client.join(120)
    _, peak = tracemalloc.get_traced_memory()
    assert len(replies) == len(payloads) and all(ok in reply for reply in replies), replies
    return peak - before


@pytest.fixture
def traced():
    tracemalloc.start()
    yield
    tracemalloc.stop()


def test_a_large_message_is_held_in_memory_once(traced):
    handler = Recorder()
    gateway = Gateway(handler)
    payload = message(8 * MB, 1)
    try:
        peak = peak_while_sending(gateway.port, [payload])
    finally:
        gateway.stop()
    assert handler.lengths == [len(payload) - 3]
    # The content once, plus what the reader buffers below the threshold and its socket reads.
    assert peak < len(payload) + THRESHOLD + MB, f"{peak / MB:.1f} MB held for an {len(payload) / MB:.1f} MB message"


def test_concurrent_large_messages_take_turns(traced):
    handler = Recorder(wait_for=3)
    gateway = Gateway(handler)
    payloads = [message(6 * MB, tag) for tag in range(3)]
    try:
        peak = peak_while_sending(gateway.port, payloads)
    finally:
        gateway.stop()
    assert sorted(handler.lengths) == sorted(len(payload) - 3 for payload in payloads)
    assert handler.most_inside == 1  # one large message handed over at a time
    # One content in memory at a time; each session's reader holds less than the threshold.
    assert peak < len(payloads[0]) + 3 * THRESHOLD + MB, f"{peak / MB:.1f} MB held for 3 x 6 MB"


def conversation_with(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.recv(1000)
        sock.sendall(b"EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@foi.test>\r\nDATA\r\n")
        answers = b""
        while b"354" not in answers:
            answers += sock.recv(1000)
        sock.sendall(data + b"NOOP\r\nQUIT\r\n")
        while chunk := sock.recv(1000):
            answers += chunk
    return answers


def test_a_spool_the_disk_cannot_take_gets_451_and_the_session_goes_on():
    # The kernel's own limit on the size of a file this process writes (RLIMIT_FSIZE), with
    # SIGXFSZ ignored so that a write past it fails with EFBIG: a full disk, for this process only.
    handler = Recorder()
    gateway = Gateway(handler)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2 * MB, hard))
    try:
        answers = conversation_with(gateway.port, message(4 * MB, 1))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
        gateway.stop()
    assert handler.lengths == []
    after_data = answers.split(b"354 End data with <CR><LF>.<CR><LF>\r\n", 1)[1]
    # The rest of the content was read to its end, not taken for commands: the NOOP answers 250.
    assert after_data.startswith(b"451 4.3.0 ") and b"\r\n250 OK\r\n221 Bye\r\n" in after_data, after_data
