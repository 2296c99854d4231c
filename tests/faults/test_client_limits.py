"""Per-client limits at the front door: one client cannot hold every connection or guess recipients without end.

Reproduced before these limits: one client holding ~1,010 idle connections (the
open-file limit was 1,024) locked every other sender out, and one client made
15,000 refused recipient guesses at up to 3,300 a second. The tests share one real
gateway on an ephemeral port; each is its own client (a loopback address of its
own: Linux routes all of 127.0.0.0/8 to the same listener), and another address
is the client that must still be served.
"""
from __future__ import annotations

import smtplib
import time
from datetime import timedelta

import pytest

from tests.faults.wire import Wire
from tests.harness import LiveService, module_service

LIMITS = {"client_connection_limit": 3, "client_connection_rate_limit": 5, "session_refused_recipient_limit": 5,
          "client_refused_recipient_limit": 6, "client_limit_window": 60.0, "idle_timeout": 3.0}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with module_service(tmp_path_factory.mktemp("home"), **LIMITS) as service:
        yield service


def served(live: LiveService, source: str) -> bool:
    """A whole transaction from `source`, answered with a 250 after DATA."""
    with smtplib.SMTP("127.0.0.1", live.port, timeout=10, source_address=(source, 0)) as client:
        return client.sendmail("clerk@example.org", ["foi@foi.test"], b"Subject: hello\r\n\r\nhi\r\n") == {}


def test_one_client_cannot_hold_more_than_its_share_of_connections(live):
    held = [Wire(live.port, "127.0.0.11") for _ in range(3)]
    assert all(wire.reply()[0].startswith(b"220") for wire in held)
    fourth = Wire(live.port, "127.0.0.11")
    [line] = fourth.reply()
    assert line.startswith(b"421 4.7.0 ") and b"too many connections" in line
    assert fourth.closed()
    assert served(live, "127.0.0.12")  # another client is still served
    leaving = held.pop()  # one leaves: the client may connect again
    leaving.say("QUIT")
    assert leaving.closed()  # the server has counted it out before it closes the socket
    leaving.close()
    again = Wire(live.port, "127.0.0.11")
    assert again.reply()[0].startswith(b"220")
    for wire in [fourth, again, *held]:
        wire.close()


def test_a_client_connecting_too_often_waits_for_the_window_to_move(live):
    for _ in range(5):
        wire = Wire(live.port, "127.0.0.21")
        assert wire.reply()[0].startswith(b"220")
        wire.say("QUIT")
        wire.close()
    sixth = Wire(live.port, "127.0.0.21")
    [line] = sixth.reply()
    assert line.startswith(b"421 4.7.0 ") and b"too many connections" in line
    assert sixth.closed()
    assert served(live, "127.0.0.22")
    live.clock.advance(timedelta(seconds=61))  # the limiter asks the one clock
    assert served(live, "127.0.0.21")


def test_refused_recipients_past_the_session_cap_get_421_and_the_connection_closes(live):
    wire = Wire(live.port, "127.0.0.31")
    wire.reply()
    wire.say("EHLO prober.example")
    wire.say("MAIL FROM:<prober@example.org>")
    answers = [wire.say(f"RCPT TO:<guess{n}@foi.test>")[0] for n in range(5)]
    assert all(answer.startswith(b"550") for answer in answers)
    [line] = wire.say("RCPT TO:<guess5@foi.test>")
    assert line.startswith(b"421 4.7.0 ") and b"too many unknown recipients" in line
    assert wire.closed()
    wire.close()


def test_refused_recipients_are_capped_per_client_across_sessions(live):
    replies = []
    for session in range(2):  # 2 sessions of 4 guesses: the 7th guess is one too many
        wire = Wire(live.port, "127.0.0.41")
        wire.reply()
        wire.say("EHLO prober.example")
        wire.say("MAIL FROM:<prober@example.org>")
        for n in range(4):
            replies.append(wire.say(f"RCPT TO:<guess{session}{n}@foi.test>")[0])
            if replies[-1].startswith(b"421"):
                assert wire.closed()
                break
        wire.close()
    assert [reply[:3] for reply in replies] == [b"550"] * 6 + [b"421"]
    assert b"too many unknown recipients" in replies[6]
    late = Wire(live.port, "127.0.0.41")  # a new session of the same client is turned away at once
    assert late.reply()[0].startswith(b"421 4.7.0 ") and late.closed()
    late.close()
    assert served(live, "127.0.0.42")
    live.clock.advance(timedelta(seconds=61))
    assert served(live, "127.0.0.41")


def test_an_idle_client_is_told_421_before_the_close(live):
    wire = Wire(live.port, "127.0.0.51")
    assert wire.reply()[0].startswith(b"220")
    wire.say("EHLO slow.example")
    [line] = wire.reply()  # nothing sent: the server speaks first, then closes
    assert line.startswith(b"421 4.4.2 ") and b"timeout" in line
    assert wire.closed()
    wire.close()


def test_a_slow_upload_that_keeps_sending_is_not_idle(live):
    wire = Wire(live.port, "127.0.0.52")
    assert wire.reply()[0].startswith(b"220")
    wire.say("EHLO slow.example")
    assert wire.say("MAIL FROM:<clerk@example.org>")[0].startswith(b"250")
    assert wire.say("RCPT TO:<foi@foi.test>")[0].startswith(b"250")
    assert wire.say("DATA")[0].startswith(b"354")
    wire.sock.sendall(b"Subject: a long scan\r\n\r\n")
    chunk = (b"x" * 998 + b"\r\n") * 100  # 100 KB, every second for twice the idle timeout
    for _ in range(int(2 * LIMITS["idle_timeout"]) + 1):
        wire.sock.sendall(chunk)
        time.sleep(1)
    wire.sock.sendall(b".\r\n")
    assert wire.reply()[0].startswith(b"250")
    wire.close()
