"""A feedback-loop complaint (ARF, RFC 5965: the RFC's own example report, with one of our digests
embedded as a provider's feedback loop does) unsubscribes that subscriber at once, at abuse@ or at
the digest's VERP address; one naming no digest of ours is kept for an operator."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from processors.alerts.digests import send_digests
from store.models import HeldMessage
from store.states import AlertState
from tests.alerts.conftest import COUNTY, a_request, alerts_of, digests_to, follow, reply

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "complaints" / "rfc5965_example.eml"


def complaint_about(original: bytes | None) -> bytes:
    """The RFC's report with `original` as its embedded message (None: the RFC's own spam)."""
    report = EXAMPLE.read_bytes()
    if original is not None:
        head, _, rest = report.partition(b"Content-Disposition: inline\n\n")
        report = head + b"Content-Disposition: inline\n\n" + original.replace(b"\r\n", b"\n") + \
            b"\n--part1_13d.2e68ed54_boundary--\n"
    return re.sub(rb"(?<!\r)\n", b"\r\n", report)


@pytest.mark.parametrize("where", ["abuse", "verp"])
def test_a_complaint_about_a_digest_unsubscribes_at_once(serving, relay, where):
    service = serving
    budget = a_request(service, "borsetshire-council", "Gritting budget")
    follow(service, relay, "authority borsetshire-council")
    service.clock.advance(timedelta(minutes=1))
    reply(service, budget, COUNTY, "An answer.")
    send_digests(service.context, "daily")
    service.wait_idle()
    [digest] = digests_to(relay)
    # the feedback loop embeds the mail as its user received it: with the Return-Path its MTA added
    original = b"Return-Path: <" + digest.mail_from.encode() + b">\r\n" + digest.raw
    if where == "verp":  # some loops keep only what the VERP return path says: no List-Unsubscribe left
        original = re.sub(rb"(?im)^List-Unsubscribe:.*\r\n(?:[ \t].*\r\n)*", b"", original)
    to = f"abuse@{service.settings.domain}" if where == "abuse" else digest.mail_from
    service.send(complaint_about(original), "fbl@provider.example", [to])
    service.wait_idle()
    assert {a.state for a in alerts_of(service)} == {AlertState.STOPPED}


def test_a_complaint_naming_nothing_of_ours_is_kept_for_an_operator(following, relay):
    service = following
    abuse = f"abuse@{service.settings.domain}"
    service.send(complaint_about(None), "fbl@provider.example", [abuse])
    service.wait_idle()
    with Session(service.context.engine) as session:
        assert session.exec(select(HeldMessage.recipient)).all() == [abuse]
