"""Behind Postfix, the client is the one XFORWARD names (Postfix's XFORWARD_README), and only a trusted MTA may name one.

Over LMTP every message comes from Postfix on loopback: without XFORWARD the
per-client limits would count Postfix itself, and the stored peer would say
127.0.0.1 for every message.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlmodel import Session, select

from store.models import InboundMessage
from tests.faults.wire import Wire
from tests.harness import LiveService


@contextmanager
def lmtp_gateway(make_settings, relay, **settings):
    live = LiveService(make_settings(relay=relay.address, **settings)).start(lmtp=True)
    try:
        yield live
    finally:
        live.stop()


def deliver(wire: Wire, subject: str) -> None:
    assert wire.say("MAIL FROM:<a@example.org>")[0].startswith(b"250")
    assert wire.say("RCPT TO:<foi@foi.test>")[0].startswith(b"250")
    assert wire.say("DATA")[0].startswith(b"354")
    assert wire.say(f"Subject: {subject}\r\n\r\nhello\r\n.")[0].startswith(b"250 2.0.0")


def stored(live: LiveService) -> list[InboundMessage]:
    with Session(live.context.engine) as session:
        return list(session.exec(select(InboundMessage).order_by(InboundMessage.id)))


@pytest.mark.xfail(strict=True, reason="XFORWARD is not implemented yet")
def test_xforward_from_loopback_names_the_stored_peer_and_helo_for_one_transaction(make_settings, relay):
    with lmtp_gateway(make_settings, relay) as live:
        wire = Wire(live.lmtp_port)
        wire.reply()
        assert b"250-XFORWARD NAME ADDR PROTO HELO SOURCE\r\n" in wire.say("LHLO postfix.local")
        assert wire.say("XFORWARD NAME=mx.sender.example ADDR=203.0.113.9 PROTO=ESMTP")[0].startswith(b"250")
        assert wire.say("XFORWARD HELO=mx.sender+2Eexample SOURCE=REMOTE")[0].startswith(b"250")  # xtext
        deliver(wire, "forwarded")
        deliver(wire, "after the reset")  # the attributes last one transaction (README: reset after DOT)
        assert wire.say("XFORWARD ADDR=IPV6:2001:db8::7 HELO=[UNAVAILABLE]")[0].startswith(b"250")
        deliver(wire, "ipv6")
        wire.say("QUIT")
        wire.close()
        live.wait_idle()
        rows = stored(live)
        assert [(row.peer, row.helo) for row in rows] == [
            ("203.0.113.9", "mx.sender.example"), ("127.0.0.1", "postfix.local"), ("2001:db8::7", "")]


@pytest.mark.xfail(strict=True, reason="XFORWARD is not implemented yet")
def test_the_limits_count_the_forwarded_client_not_the_mta(make_settings, relay):
    with lmtp_gateway(make_settings, relay, client_refused_recipient_limit=3) as live:
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


@pytest.mark.xfail(strict=True, reason="XFORWARD is not implemented yet")
def test_xforward_from_an_untrusted_peer_is_refused(make_settings, relay):
    with lmtp_gateway(make_settings, relay, xforward_hosts="192.0.2.25") as live:
        wire = Wire(live.lmtp_port)
        wire.reply()
        assert not any(b"XFORWARD" in line for line in wire.say("LHLO postfix.local"))
        [line] = wire.say("XFORWARD ADDR=203.0.113.9")
        assert line.startswith(b"550 5.7.0 ")
        deliver(wire, "own address")
        wire.close()
        smtp = Wire(live.port)  # plain SMTP never takes it, even from a trusted address
        smtp.reply()
        assert not any(b"XFORWARD" in line for line in smtp.say("EHLO mx.example"))
        assert smtp.say("XFORWARD ADDR=203.0.113.9")[0][:3] in (b"500", b"550")
        smtp.close()
        live.wait_idle()
        assert [(row.peer, row.helo) for row in stored(live)] == [("127.0.0.1", "postfix.local")]
