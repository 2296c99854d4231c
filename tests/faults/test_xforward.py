"""Behind Postfix, the client is the one XFORWARD names (Postfix's XFORWARD_README), and only a trusted MTA may name one.

Over LMTP every message comes from Postfix on loopback: without XFORWARD the
per-client limits would count Postfix itself, and the stored peer would say
127.0.0.1 for every message.
"""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from store.models import InboundMessage
from tests.faults.wire import Wire
from tests.harness import LiveService, module_service


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One LMTP gateway: 127.0.0.1 is the trusted MTA, 127.0.0.2 a peer that is not."""
    with module_service(tmp_path_factory.mktemp("home"), lmtp=True, xforward_hosts="127.0.0.1", client_refused_recipient_limit=3) as service:
        yield service


def deliver(wire: Wire, subject: str) -> None:
    assert wire.say("MAIL FROM:<a@example.org>")[0].startswith(b"250")
    assert wire.say("RCPT TO:<foi@foi.test>")[0].startswith(b"250")
    assert wire.say("DATA")[0].startswith(b"354")
    assert wire.say(f"Subject: {subject}\r\n\r\nhello\r\n.")[0].startswith(b"250 2.0.0")


def stored(live: LiveService, subject: str) -> list[tuple[str, str]]:
    """(peer, helo) of the stored messages whose subject starts with `subject`."""
    live.wait_idle()
    with Session(live.context.engine) as session:
        rows = session.exec(select(InboundMessage).order_by(InboundMessage.id))
        return [(row.peer, row.helo) for row in rows if row.raw.startswith(f"Subject: {subject}".encode())]


def test_xforward_from_a_trusted_mta_names_the_stored_peer_and_helo_for_one_transaction(live):
    wire = Wire(live.lmtp_port)
    wire.reply()
    assert b"250-XFORWARD NAME ADDR PROTO HELO SOURCE\r\n" in wire.say("LHLO postfix.local")
    assert wire.say("XFORWARD NAME=mx.sender.example ADDR=203.0.113.9 PROTO=ESMTP")[0].startswith(b"250")
    assert wire.say("XFORWARD HELO=mx.sender+2Eexample SOURCE=REMOTE")[0].startswith(b"250")  # xtext
    deliver(wire, "trusted: forwarded")
    deliver(wire, "trusted: after the reset")  # the attributes last one transaction (README: reset after DOT)
    assert wire.say("XFORWARD ADDR=IPV6:2001:db8::7 HELO=[UNAVAILABLE]")[0].startswith(b"250")
    deliver(wire, "trusted: ipv6")
    wire.say("QUIT")
    wire.close()
    assert stored(live, "trusted:") == [
        ("203.0.113.9", "mx.sender.example"), ("127.0.0.1", "postfix.local"), ("2001:db8::7", "")]


def test_the_limits_count_the_forwarded_client_not_the_mta(live):
    wire = Wire(live.lmtp_port)
    wire.reply()
    wire.say("LHLO postfix.local")
    assert wire.say("XFORWARD ADDR=198.51.100.1")[0].startswith(b"250")
    wire.say("MAIL FROM:<prober@example.org>")
    guesses = [wire.say(f"RCPT TO:<guess{n}@foi.test>")[0][:3] for n in range(4)]
    assert guesses == [b"550", b"550", b"550", b"421"] and wire.closed()
    wire.close()
    other = Wire(live.lmtp_port)  # Postfix again, for another client: not held back
    other.reply()
    other.say("LHLO postfix.local")
    assert other.say("XFORWARD ADDR=198.51.100.2")[0].startswith(b"250")
    other.say("MAIL FROM:<clerk@example.org>")
    assert other.say("RCPT TO:<nobody@foi.test>")[0].startswith(b"550")
    assert other.say("RCPT TO:<foi@foi.test>")[0].startswith(b"250")
    other.close()


def test_xforward_from_an_untrusted_peer_is_refused(live):
    wire = Wire(live.lmtp_port, "127.0.0.2")
    wire.reply()
    assert not any(b"XFORWARD" in line for line in wire.say("LHLO postfix.local"))
    [line] = wire.say("XFORWARD ADDR=203.0.113.9")
    assert line.startswith(b"550 5.7.0 ")
    deliver(wire, "untrusted: own address")
    wire.close()
    smtp = Wire(live.port)  # plain SMTP never takes it, even from the trusted address
    smtp.reply()
    assert not any(b"XFORWARD" in line for line in smtp.say("EHLO mx.example"))
    assert smtp.say("XFORWARD ADDR=203.0.113.9")[0][:3] in (b"500", b"550")
    smtp.close()
    assert stored(live, "untrusted:") == [("127.0.0.2", "postfix.local")]
