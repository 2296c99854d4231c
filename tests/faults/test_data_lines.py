"""Long lines and bare LF in DATA: stored, never refused; only CRLF.CRLF ends a message.

Real mail has lines over 998 octets (Outlook's HTML, Amazon SES and GMX bounces): they got
`500 Line too long` and never arrived. Bare-LF line ends in a message over ~1 KB got the same
misleading 500. Now the gateway does what Postfix 3.9 does by default
(`smtpd_forbid_bare_newline = normalize`): a bare LF ends a line, stored as CRLF; only
<CR><LF>.<CR><LF> ends the data, so `\\n.\\n`, `\\r\\n.\\n` and `\\n.\\r\\n` cannot end one message and
start a second (SMTP smuggling); dot-unstuffing applies to every line.

Each case is exact bytes from a raw socket to a real gateway on an ephemeral port; the test
reads the stored raw bytes back and counts the rows: one message, not two.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import sqlalchemy as sa

from mailgate.runtime.settings import load_settings
from store.models import InboundMessage
from tests.harness import LiveService

# Published by the sisimai project (set-of-emails, BSD-2-Clause); see tests/data/faults/PROVENANCE.md.
SES_NOTIFICATION = (Path(__file__).parent.parent / "data" / "faults" / "ses-sns-bounce-notification.eml").read_bytes()
RECIPIENT = "postmaster@foi.test"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        for variable in [v for v in os.environ if v.startswith("MAILGATE_")]:
            patch.delenv(variable)
        settings = load_settings(home=tmp_path_factory.mktemp("home"), domain="foi.test", secret="test-secret",
                                 sweep_interval=3600.0, worker_threads=1)
    live = LiveService(settings).start()
    yield live
    live.stop()


def transaction(port: int, content: bytes) -> tuple[list[bytes], list[int]]:
    """One SMTP transaction with `content` sent as is after DATA; the replies, and the ids stored."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        reader = sock.makefile("rb")

        def reply() -> bytes:
            lines = [reader.readline()]
            while lines[-1][3:4] == b"-":
                lines.append(reader.readline())
            return b"".join(lines)

        reply()  # greeting
        answers = []
        for command in (b"EHLO client.example\r\n", b"MAIL FROM:<sender@example.org>\r\n",
                        f"RCPT TO:<{RECIPIENT}>\r\n".encode(), b"DATA\r\n"):
            sock.sendall(command)
            answers.append(reply())
        assert answers[-1].startswith(b"354"), answers
        sock.sendall(content)
        sock.sendall(b"QUIT\r\n")
        rest = []
        while (line := reply()) and not line.startswith(b"221"):
            rest.append(line)
    stored = [int(line.split()[-1]) for line in rest if line.startswith(b"250 2.0.0 Ok: stored as ")]
    return rest, stored


def raw_of(live: LiveService, inbound_id: int) -> bytes:
    with live.context.engine.connect() as connection:
        return connection.execute(sa.select(InboundMessage.raw).where(InboundMessage.id == inbound_id)).scalar_one()


def count(live: LiveService) -> int:
    with live.context.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(InboundMessage)).scalar_one()


def test_a_real_bounce_with_a_line_over_998_octets_is_stored_unchanged(gateway):
    assert max(len(line) for line in SES_NOTIFICATION.split(b"\r\n")) > 998  # the sample is what it claims
    replies, [inbound_id] = transaction(gateway.port, SES_NOTIFICATION + b".\r\n")
    assert replies[0].startswith(b"250 ")
    assert raw_of(gateway, inbound_id) == SES_NOTIFICATION


def test_a_line_far_longer_than_the_readers_buffer_is_stored_unchanged(gateway):
    # One line of a quarter of a megabyte (an HTML part with no line breaks), starting with a
    # stuffed dot: the reader takes it in pieces, and the dot comes off the first one only.
    line = b"<p>" + b"".join(b"<span>%06d</span>" % n for n in range(20_000)) + b"</p>"
    content = b"Subject: html\r\n\r\n.." + line + b".\r\nend\r\n"
    _, [inbound_id] = transaction(gateway.port, content + b".\r\n")
    assert raw_of(gateway, inbound_id) == b"Subject: html\r\n\r\n." + line + b".\r\nend\r\n"


def test_bare_lf_line_ends_are_stored_as_crlf(gateway):
    body = b"".join(b"line %03d of a message from a client that ends its lines with LF\n" % n for n in range(40))
    assert len(body) > 1024
    _, [inbound_id] = transaction(gateway.port, b"Subject: bare\n\n" + body + b"\r\n.\r\n")
    assert raw_of(gateway, inbound_id) == (b"Subject: bare\n\n" + body).replace(b"\n", b"\r\n") + b"\r\n"


SMUGGLED = (b"MAIL FROM:<admin@victim.example>\r\nRCPT TO:<postmaster@foi.test>\r\nDATA\r\n"
            b"From: admin@victim.example\r\nSubject: smuggled\r\n\r\nforged\r\n")


@pytest.mark.parametrize("fake_end", [b"\n.\n", b"\r\n.\n", b"\n.\r\n"], ids=["LF.LF", "CRLF.LF", "LF.CRLF"])
def test_only_crlf_dot_crlf_ends_the_data_so_nothing_is_smuggled(gateway, fake_end):
    before = count(gateway)
    content = b"Subject: first\r\n\r\nhello" + fake_end + SMUGGLED + b".\r\n"
    replies, stored = transaction(gateway.port, content)
    assert len(stored) == 1 and count(gateway) == before + 1  # one message, not two
    assert [reply[:3] for reply in replies] == [b"250"]  # and no reply to a smuggled command
    # The lone dot was a content line: unstuffed to an empty line, its line end made CRLF.
    assert raw_of(gateway, stored[0]) == b"Subject: first\r\n\r\nhello\r\n\r\n" + SMUGGLED


def test_dot_unstuffing_applies_to_every_line_whatever_ends_it(gateway):
    content = b"Subject: dots\r\n\r\n..one\n..two\r\n...\nlast\r\n.\r\n"
    _, [inbound_id] = transaction(gateway.port, content)
    assert raw_of(gateway, inbound_id) == b"Subject: dots\r\n\r\n.one\r\n.two\r\n..\r\nlast\r\n"


def test_a_bare_cr_is_content_and_stays(gateway):
    content = b"Subject: cr\r\n\r\na\rb\r\n.\r\n"
    _, [inbound_id] = transaction(gateway.port, content)
    assert raw_of(gateway, inbound_id) == b"Subject: cr\r\n\r\na\rb\r\n"
