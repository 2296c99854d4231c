"""Header values come from strangers and operators alike: one builder refuses or folds them.

`mailgate foi new` crashed with HeaderParseError on a line break in a title or name,
and a name holding CRLF CRLF cut the request's To, Subject, Date and Message-ID off.
"""
from __future__ import annotations

import email
import email.policy

import pytest

from tests.harness import import_sample_authorities
from tests.spine.test_cli import SAMPLE, cli  # noqa: F401  (the fixture)

ESSENTIAL = ("From", "To", "Subject", "Date", "Message-ID")


@pytest.mark.parametrize("option, value", [("--name", "Jo\r\n\r\nBcc: everyone@example.org"),
                                            ("--title", "Budget\nX-Injected: yes")])
def test_the_cli_refuses_a_line_break_and_names_the_option(cli, tmp_path, option, value):  # noqa: F811
    cli("import", "authorities", str(SAMPLE))
    body = tmp_path / "body.txt"
    body.write_text("Please send the budget.\n")
    values = {"--name": "Jo", "--title": "Budget"} | {option: value}
    err = cli("foi", "new", "--authority", "borsetshire-council", "--name", values["--name"],
              "--email", "jo@citizen.example", "--title", values["--title"], "--body-file", str(body),
              expect=1).stderr
    assert option in err and "line break" in err


def test_a_line_break_in_a_mailed_name_cannot_cut_the_header(service, relay):
    """Held already (the parser folds encoded line breaks), and kept so by one_line()."""
    import_sample_authorities(service)
    domain = service.settings.domain
    raw = (b"From: =?utf-8?q?Jo=0D=0A=0D=0ABcc=3A_x=40evil=2Eexample?= <jo@citizen.example>\r\n"
           b"Subject: =?utf-8?q?Budget=0D=0AX-Injected=3A_yes?=\r\nMessage-ID: <n1@citizen.example>\r\n\r\n"
           b"Please send the budget.\r\n")
    service.send(raw, "jo@citizen.example", [f"foi-borsetshire-council@{domain}"])
    service.wait_idle()
    [confirmation] = relay.to("jo@citizen.example")
    service.send(b"From: jo@citizen.example\r\nSubject: Re\r\nMessage-ID: <n2@citizen.example>\r\n\r\nYes\r\n",
                 "jo@citizen.example", [confirmation.message["Reply-To"]])
    service.wait_idle()
    [request] = relay.to("information.requests@borsetshire.gov.example")
    message = email.message_from_bytes(request.raw, policy=email.policy.default)
    for name in ESSENTIAL:
        assert len(message.get_all(name) or []) == 1, name
    assert message.get_all("X-Injected") is None and message.get_all("Bcc") is None
