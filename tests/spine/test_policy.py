"""Postfix's policy service answers RCPT exactly as the gateway does (mailgate/gateway/policy.py), over a real socket.

Postfix in front asks it for every recipient (docs/deploy.md): what the gateway would
refuse at RCPT is refused by Postfix with the gateway's reason, what it would take
goes on (DUNNO), and a store it cannot read defers, never accepts.
"""
from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session

from mailgate.gateway.client_limits import ClientLimits, Limits
from mailgate.gateway.dbapi_store import ThreadReader
from mailgate.gateway.policy import PolicyServer
from mailgate.gateway.recipients import CACHE_SECONDS, RecipientChecker
from mailgate.gateway.server import GatewayHandler, listening_socket
from store.addresses.book import AddressBook
from store.addresses.routes import ROUTES, RouteTable
from store.models import Thread
from store.states import WhoMayPost
from tests.faults.wire import Wire
from tests.harness import free_port, make_request, module_service
from tests.spine.test_serve import environment, wait_for_port


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with module_service(tmp_path_factory.mktemp("home"), policy=True) as service:
        yield service


class PolicyClient:
    """Postfix's side of the protocol: one connection, many requests."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.reader = self.sock.makefile("rb")

    def ask(self, **attributes: str) -> str:
        request = {"request": "smtpd_access_policy", "protocol_state": "RCPT", "protocol_name": "ESMTP",
                   "client_address": "203.0.113.5", "helo_name": "mx.sender.example"} | attributes
        self.sock.sendall("".join(f"{name}={value}\n" for name, value in request.items()).encode() + b"\n")
        answer = self.reader.readline().decode()
        assert self.reader.readline() == b"\n"  # each answer ends with an empty line
        assert answer.startswith("action=")
        return answer[len("action="):].rstrip("\n")

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def rcpt_reply(live, sender: str, recipient: str) -> str:
    """What the gateway's own SMTP RCPT answers, for comparison."""
    wire = Wire(live.port)
    wire.reply()
    wire.say("EHLO mx.sender.example")
    wire.say(f"MAIL FROM:<{sender}>")
    [line] = wire.say(f"RCPT TO:<{recipient}>")
    wire.close()
    return line.decode().rstrip("\r\n")


def test_the_policy_service_gives_the_gateways_verdicts_for_sender_and_recipient(live):
    thread = make_request(live, who_may_post=WhoMayPost.AUTHORITY_ONLY)
    authority_facing = live.context.addresses.authority_facing(thread.id)
    client = PolicyClient(live.policy_port)
    cases = [("someone@example.org", "foi@foi.test"),  # a service address
             ("someone@example.org", "nobody@foi.test"),  # unknown here
             ("someone@example.org", "someone@elsewhere.example"),  # not our domain at all
             ("clerk@ambridge-parish.example", authority_facing),  # the authority may still reply
             ("spammer@spam.example", authority_facing)]  # nobody else may
    answers = [client.ask(sender=sender, recipient=recipient) for sender, recipient in cases]
    assert answers[0] == "DUNNO" and answers[3] == "DUNNO"
    for (sender, recipient), answer in zip(cases, answers, strict=True):
        gateway = rcpt_reply(live, sender, recipient)
        assert answer == ("DUNNO" if gateway.startswith("250") else gateway), (recipient, answer, gateway)
    assert answers[1].startswith("550 5.1.1 ") and answers[2].startswith("550 5.7.1 ")
    assert "only accepts replies from the mail domain of the authority" in answers[4]
    with Session(live.context.engine) as session:  # an operator closes the thread
        session.get(Thread, thread.id).who_may_post = WhoMayPost.NOBODY
        session.commit()
    time.sleep(CACHE_SECONDS)  # what RCPT read a moment ago may stand that long, and no longer
    closed = client.ask(sender="clerk@ambridge-parish.example", recipient=authority_facing)
    assert closed.startswith("550 5.1.1 ") and "is closed and no longer accepts mail" in closed
    client.close()


def test_other_stages_and_requests_without_a_recipient_get_no_opinion(live):
    client = PolicyClient(live.policy_port)
    assert client.ask(protocol_state="DATA", sender="a@example.org", recipient="nobody@foi.test") == "DUNNO"
    assert client.ask(protocol_state="RCPT", sender="a@example.org") == "DUNNO"
    assert client.ask(protocol_state="RCPT", sender="", recipient="nobody@foi.test").startswith("550 ")  # a bounce
    client.close()


def test_a_store_that_cannot_be_read_defers_the_recipient(live):
    """The gateway's 451 case: a thread address needs the store, which is down (a real PostgreSQL client
    against a port where nothing listens)."""
    addresses = AddressBook(domain="foi.test", secret=b"test-secret", routes=RouteTable(ROUTES.patterns))
    reader = ThreadReader(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test")
    reads = ThreadPoolExecutor(1)
    handler = GatewayHandler(RecipientChecker(addresses, reader.facts), None, reads,  # type: ignore[arg-type]
                             ClientLimits(Limits(), "foi.test"))


    async def ask_once() -> bytes:
        sock = listening_socket("127.0.0.1:0", "MAILGATE_POLICY", reuse_port=False)
        server = await PolicyServer(handler.verdict, idle_timeout=10).start(sock)
        reader_, writer = await asyncio.open_connection(*sock.getsockname())
        writer.write(f"protocol_state=RCPT\nsender=clerk@ambridge-parish.example\n"
                     f"recipient={addresses.authority_facing(7)}\n\n".encode())
        answer = await reader_.readuntil(b"\n\n")
        writer.close()
        server.close()
        return answer

    try:
        answer = asyncio.run(ask_once()).decode()
    finally:
        reads.shutdown()
    assert answer.startswith("action=DEFER_IF_PERMIT 4.3.0 mailgate cannot check this address just now"), answer


def test_serve_with_gateway_processes_answers_on_MAILGATE_POLICY(tmp_path):
    """`mailgate serve` starts the policy service where MAILGATE_POLICY says, in each gateway process
    when there are several (one port, SO_REUSEPORT, as for SMTP)."""
    smtp, policy = free_port(), free_port()
    env = environment(tmp_path, MAILGATE_SMTP=f"127.0.0.1:{smtp}", MAILGATE_POLICY=f"127.0.0.1:{policy}",
                      MAILGATE_GATEWAY_PROCESSES="2")
    server = subprocess.Popen([sys.executable, "-m", "mailgate", "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(smtp)
        deadline = time.monotonic() + 30
        while not _listening(policy) and time.monotonic() < deadline:  # each gateway starts SMTP, then policy
            time.sleep(0.1)
        answers = set()
        for _ in range(8):  # the kernel spreads the connections over both gateways: each one answers
            client = PolicyClient(policy)
            answers.add(client.ask(sender="a@example.org", recipient="nobody@foi.test").split(" ", 2)[1])
            answers.add(client.ask(sender="a@example.org", recipient="foi@foi.test"))
            client.close()
        assert answers == {"5.1.1", "DUNNO"}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False
