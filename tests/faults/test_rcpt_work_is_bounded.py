"""Hostile recipients cost a bounded, small amount of work, and none of it on the event loop.

A recipient like `request-<440 digits>-abcdefghjk@` made the typo search try ~10,000 id
variants with an HMAC each, 85-137 ms of CPU in the gateway's event loop per RCPT: a
few clients made ordinary senders wait 15-19 s for their 250.
"""
from __future__ import annotations

import hmac
import smtplib

import pytest

import store.addresses.tokens
from store.addresses.book import AddressBook
from store.addresses.routes import RouteName

DOMAIN = "foi.test"
AT_MOST_HMACS = 128  # whatever the address: a few typos' worth, never thousands


@pytest.fixture
def hmacs(monkeypatch):
    """How many HMACs the token code computes (the real ones, counted)."""
    counted = []
    real = hmac.new

    def counting(*args, **kwargs):
        counted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(store.addresses.tokens.hmac, "new", counting)
    return counted


@pytest.mark.parametrize("ident", ["9" * 12, "1" * 40, "1" * 440])
def test_the_typo_search_costs_a_fixed_small_number_of_hmacs(hmacs, ident):
    book = AddressBook(domain=DOMAIN, secret=b"s")
    book.typo_candidates(RouteName.THREAD_AUTHORITY, ident, "abcdefghjk")
    assert 0 < len(hmacs) <= AT_MOST_HMACS


def test_a_huge_id_is_refused_before_any_token_work(service, hmacs):
    address = f"request-{'1' * 440}-abcdefghjk@{service.settings.domain}"
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        service.send(b"Subject: x\r\n\r\nx\r\n", "prober@attacker.example", [address])
    code, reason = refused.value.recipients[address]
    assert code == 550 and b"no mailbox" in reason
    assert hmacs == []


def test_no_typo_search_on_the_event_loop(service, hmacs):
    """`check_without_store` is what the event loop runs: a mistyped token goes to the thread pool."""
    checker = service.service.gateway.handler.checker
    address = service.context.addresses.authority_facing(1).replace("request-1-", "request-1-x")
    hmacs.clear()  # making the address took one
    assert checker.check_without_store(address, "clerk@example.org") is None
    assert len(hmacs) == 1  # the token's own check, and no search
