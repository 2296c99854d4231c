"""A peer of the policy service that is not Postfix is answered nothing and hung up on, and costs bounded memory.

The policy port listens on loopback only, but any local process can reach it: a line
without end, a flood of attributes or bytes that are not `name=value` must neither
grow a buffer without bound nor get an answer that could be mistaken for a verdict.
"""
from __future__ import annotations

import socket

import pytest

from mailgate.gateway.policy import MAX_ATTRIBUTES, MAX_LINE
from tests.harness import module_service


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with module_service(tmp_path_factory.mktemp("home"), policy=True) as service:
        yield service


def exchange(port: int, payload: bytes) -> bytes:
    """Everything the server sends back before it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)  # and nothing more: the server must not wait for the rest
        except (BrokenPipeError, ConnectionResetError):
            pass  # it hung up while we were still sending: that is the answer
        received = b""
        try:
            while chunk := sock.recv(4096):
                received += chunk
        except ConnectionResetError:
            pass
        return received


GOOD = b"protocol_state=RCPT\nsender=a@example.org\nrecipient=foi@foi.test\n\n"


@pytest.mark.parametrize("payload", [
    b"recipient=" + b"x" * (MAX_LINE * 4) + b"\n\n",  # a line without a sensible end
    b"".join(b"x%d=y\n" % n for n in range(MAX_ATTRIBUTES + 1)) + b"\n",  # an attribute flood
    b"EHLO mx.example\r\n\r\n",  # not the protocol at all
    b"=\n\n",
], ids=["long line", "attribute flood", "smtp", "no name"])
def test_bad_requests_get_no_answer_and_a_closed_connection(live, payload):
    assert exchange(live.policy_port, payload) == b""


def test_a_good_request_after_a_bad_one_on_the_same_connection_is_never_answered(live):
    assert exchange(live.policy_port, b"junk\n" + GOOD) == b""


def test_the_service_still_answers_postfix_after_the_hostile_peers(live):
    assert exchange(live.policy_port, GOOD + GOOD[:-1]) == b"action=DUNNO\n\n"  # the half request: none
