"""serve's HTTP listener (mailgate/runtime/web_listener.py) against hostile clients.

The archive folder sits in MAILGATE_HOME next to the store and the site secret: no path may
reach them. A flood of connections gets no thread each, and a silent client is closed.
Real sockets against a real listener; raw request lines, so nothing normalises them first.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest

from mailgate.gateway.server import listening_socket
from mailgate.runtime.web_listener import WebListener

SECRET = "canary-site-secret-4f1c"


def request(port: int, target: str) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(f"GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, answer


@pytest.fixture
def home(tmp_path):
    (tmp_path / "secret").write_text(SECRET + "\n")
    (tmp_path / "mailgate.db").write_text(SECRET)
    archive = tmp_path / "archive"
    (archive / "thread" / "1").mkdir(parents=True)
    (archive / "thread" / "1" / "index.html").write_text("<p>thread one</p>")
    (archive / "index.html").write_text("<p>home</p>")
    return tmp_path


def start(archive, **options) -> WebListener:
    return WebListener(listening_socket("127.0.0.1:0", "MAILGATE_HTTP", reuse_port=False, listen=False),
                       archive, **options).start()


@pytest.mark.parametrize("target", ["/../secret", "/%2e%2e/secret", "/..%2fsecret", "/thread/../../secret",
                                    "/thread/1/../../../mailgate.db", "//../secret", "/%2E%2E%2F%2E%2E%2Fsecret",
                                    "/..\\secret", "/thread/%00/../../secret"])
def test_no_path_leaves_the_archive_folder(home, target):
    listener = start(home / "archive")
    try:
        status, answer = request(listener.server.server_address[1], target)
    finally:
        listener.stop()
    assert SECRET.encode() not in answer
    assert status in (400, 404)


def test_folders_are_never_listed(home):
    (home / "archive" / "thread" / "2").mkdir()
    (home / "archive" / "thread" / "2" / "draft.txt").write_text("not linked from anywhere")
    listener = start(home / "archive")
    try:
        status, answer = request(listener.server.server_address[1], "/thread/2/")
        listed, _ = request(listener.server.server_address[1], "/thread/")
    finally:
        listener.stop()
    assert (status, listed) == (404, 404) and b"draft.txt" not in answer


def test_before_the_first_build_it_says_to_come_back(tmp_path):
    listener = start(tmp_path / "archive")  # made empty, as serve does before its builder's first build
    try:
        status, answer = request(listener.server.server_address[1], "/")
    finally:
        listener.stop()
    assert status == 503 and b"Retry-After: 2" in answer and b"being built" in answer


def test_a_connection_flood_gets_no_thread_each(home):
    listener = start(home / "archive", most_connections=4)
    port = listener.server.server_address[1]
    threads_before = threading.active_count()
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(4)]
    flood = []
    try:
        deadline = time.monotonic() + 10
        while threading.active_count() < threads_before + 4 and time.monotonic() < deadline:
            time.sleep(0.02)  # the four idle ones have their threads
        flood = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(50)]
        closed = sum(1 for sock in flood if sock.recv(1) == b"")  # turned away: closed without a word
        assert closed == 50 and listener.server.turned_away == 50
        assert threading.active_count() <= threads_before + 4
    finally:
        for sock in idle + flood:
            sock.close()
    try:
        deadline = time.monotonic() + 10
        status = 0
        while status != 200 and time.monotonic() < deadline:  # the idle ones' threads finish as they close
            status, _ = request(port, "/thread/1/")
        assert status == 200
    finally:
        listener.stop()


def test_a_silent_client_is_closed(home):
    listener = start(home / "archive", idle_timeout=0.5)
    try:
        with socket.create_connection(("127.0.0.1", listener.server.server_address[1]), timeout=30) as client:
            client.sendall(b"GET /thread/1/ HT")  # and then nothing
            answer = b""
            while chunk := client.recv(65536):  # raises TimeoutError if the listener never closes it
                answer += chunk
    finally:
        listener.stop()
    assert b"thread one" not in answer  # closed unanswered

