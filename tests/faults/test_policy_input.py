"""A peer of the policy service that is not Postfix is answered nothing and hung up on, and costs bounded memory.

The policy port listens on loopback only, but any local process can reach it: a line
without end, a flood of attributes or bytes that are not `name=value` must neither
grow a buffer without bound nor get an answer that could be mistaken for a verdict;
a flood of connections, or a peer that stalls, must not hold the service.
"""
from __future__ import annotations

import asyncio
import logging
import socket

import pytest

from mailgate.gateway.policy import MAX_ATTRIBUTES, MAX_LINE, PolicyServer
from mailgate.gateway.recipients import RecipientChecker
from mailgate.gateway.server import listening_socket
from store.addresses.book import AddressBook
from store.addresses.routes import ROUTES, RouteTable
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
    b"protocol_state=RCPT\nrecipient=x\r250 ok@foi.test\n\n",  # a reply smuggled into the refusal's text
], ids=["long line", "attribute flood", "smtp", "no name", "control character"])
def test_bad_requests_get_no_answer_and_a_closed_connection(live, payload):
    assert exchange(live.policy_port, payload) == b""


def test_a_good_request_after_a_bad_one_on_the_same_connection_is_never_answered(live):
    assert exchange(live.policy_port, b"junk\n" + GOOD) == b""


def test_the_service_still_answers_postfix_after_the_hostile_peers(live):
    assert exchange(live.policy_port, GOOD + GOOD[:-1]) == b"action=DUNNO\n\n"  # the half request: none


def standalone_policy(**bounds) -> tuple[PolicyServer, socket.socket]:
    """A policy server on the gateway's real checker; service addresses need no store."""
    addresses = AddressBook(domain="foi.test", secret=b"test-secret", routes=RouteTable(ROUTES.patterns))
    checker = RecipientChecker(addresses, read_threads=lambda ids: [])

    async def check(recipient: str, sender: str):
        return checker.check(recipient, sender)

    return PolicyServer(check, **bounds), listening_socket("127.0.0.1:0", "MAILGATE_POLICY", reuse_port=False)


async def closed_unanswered(reader: asyncio.StreamReader) -> bytes:
    """What the server sent before it closed (a reset, when it closed with our request unread, is a close)."""
    try:
        return await asyncio.wait_for(reader.read(), 10)  # 10 s only bounds a failure
    except ConnectionResetError:
        return b""


def test_connections_past_the_limit_are_closed_unanswered_and_the_others_keep_being_answered(caplog):
    server, sock = standalone_policy(idle_timeout=30, max_connections=3)

    async def flood() -> tuple[list[bytes], bytes, bytes]:
        listening = await server.start(sock)
        held = [await asyncio.open_connection(*sock.getsockname()) for _ in range(3)]
        for _, writer in held:  # the three are being served (each answered once)
            writer.write(GOOD)
        firsts = [await reader.readuntil(b"\n\n") for reader, _ in held]
        extra_reader, extra_writer = await asyncio.open_connection(*sock.getsockname())
        extra_writer.write(GOOD)
        turned_away = await closed_unanswered(extra_reader)
        held[0][1].write(GOOD)  # a held connection still gets its answers
        again = await held[0][0].readuntil(b"\n\n")
        for _, writer in held + [(extra_reader, extra_writer)]:
            writer.close()
        listening.close()
        return firsts, turned_away, again

    with caplog.at_level(logging.WARNING):
        firsts, turned_away, again = asyncio.run(flood())
    assert firsts == [b"action=DUNNO\n\n"] * 3 and again == b"action=DUNNO\n\n"
    assert turned_away == b""
    assert any("connection limit (3)" in record.getMessage() for record in caplog.records)


def test_a_peer_that_stops_mid_request_is_closed_after_the_idle_time():
    server, sock = standalone_policy(idle_timeout=0.2)

    async def stall() -> bytes:
        listening = await server.start(sock)
        reader, writer = await asyncio.open_connection(*sock.getsockname())
        writer.write(b"protocol_state=RCPT\nrecipient=foi@foi.test")  # and then nothing
        closed = await closed_unanswered(reader)
        writer.close()
        listening.close()
        return closed

    assert asyncio.run(stall()) == b"" and server.connections == 0
