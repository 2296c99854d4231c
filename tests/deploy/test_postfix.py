"""MX → Postfix → mailgate over LMTP, for real (docs/deploy.md): a private Postfix, swaks, and a local sink.

swaks plays the authority's mail server (from 127.0.0.2, so that the client Postfix
sees is not Postfix's own address), Postfix takes the mail domain and hands it to
mailgate over LMTP with XFORWARD, and mailgate's outbound goes back through the same
Postfix to a sink (Postfix's relayhost). Postfix is configured by the test's base
settings (queue, ports, no DNS) plus docs/deploy.md's block, run as written.
"""
from __future__ import annotations

import os
import subprocess
import time
from typing import Callable, TypeVar

import pytest
from sqlmodel import Session, select

from mailgate.gateway.recipients import CACHE_SECONDS
from mailgate.runtime.settings import load_settings
from store.models import InboundMessage, Thread, ThreadMessage
from store.states import WhoMayPost
from tests.deploy.docblocks import run_block
from tests.deploy.private_postfix import PrivatePostfix, missing
from tests.harness import LiveService, RelayCatcher, free_port, make_request

AUTHORITY = "clerk@ambridge-parish.example"  # mailgate/data/sample_authorities.csv
AUTHORITY_HELO = "mx.ambridge-parish.example"
CITIZEN = "sam@citizen.example"
CLIENT_ADDRESS = "127.0.0.2"  # the authority's server, as Postfix sees it and XFORWARD names it
T = TypeVar("T")


@pytest.fixture
def stack(tmp_path):
    """mailgate (LMTP, policy service, relay = Postfix), Postfix (relayhost = the sink), the sink."""
    reason = missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Postfix test: {reason} (.ci/run installs postfix and swaks)")
        pytest.skip(reason)
    sink = RelayCatcher().start()
    postfix_port = free_port()
    with pytest.MonkeyPatch.context() as environment:
        for variable in [v for v in os.environ if v.startswith("MAILGATE_")]:
            environment.delenv(variable)
        settings = load_settings(home=tmp_path / "home", domain="foi.test", secret="test-secret",
                                 sweep_interval=3600.0, worker_threads=2, relay=f"127.0.0.1:{postfix_port}")
    live = LiveService(settings).start(lmtp=True, policy=True)
    postfix = PrivatePostfix(postfix_port, relayhost=sink.address)
    try:
        run_block("postfix", POSTFIX_CONF=str(postfix.conf), MAIL_DOMAIN="foi.test",
                  MAILGATE_LMTP=f"127.0.0.1:{live.lmtp_port}", MAILGATE_POLICY=f"127.0.0.1:{live.policy_port}")
        postfix.start()
        yield live, postfix, sink
    finally:
        postfix.stop()
        live.stop()
        sink.stop()


def swaks(postfix: PrivatePostfix, sender: str, recipient: str, body: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["swaks", "--server", f"127.0.0.1:{postfix.smtp_port}", "--local-interface", CLIENT_ADDRESS,
         "--helo", AUTHORITY_HELO, "--from", sender, "--to", recipient, "--header", "Subject: Re: Verge cutting",
         "--body", body, "--timeout", "30"], capture_output=True, text=True, timeout=60)


def eventually(probe: Callable[[], T], what: str, postfix: PrivatePostfix, seconds: float = 30) -> T:
    """Postfix delivers from its queue in its own time: wait for `probe` to return something true."""
    deadline = time.monotonic() + seconds
    while not (found := probe()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds} s; Postfix's log:\n{postfix.log_text()}")
        time.sleep(0.1)
    return found


def reason(live: LiveService, recipient: str, sender: str) -> str:
    """The text mailgate's own gateway answers RCPT with, after its code."""
    assert live.service is not None and live.service.gateway is not None
    verdict = live.service.gateway.handler.checker.check(recipient, sender)
    assert not verdict.accept
    return verdict.reply.split(" ", 2)[2]


def from_postfix(live: LiveService) -> list[InboundMessage]:
    with Session(live.context.engine) as session:
        return list(session.exec(select(InboundMessage).where(InboundMessage.peer == CLIENT_ADDRESS)))


def test_mail_goes_through_postfix_both_ways_and_postfix_refuses_at_rcpt_what_mailgate_would(stack):
    live, postfix, sink = stack
    thread = make_request(live, email=CITIZEN)  # the request goes out through Postfix to the authority
    eventually(lambda: sink.to(AUTHORITY), "the request did not reach the authority through Postfix", postfix)
    to_authority = live.context.addresses.authority_facing(thread.id)

    # The authority answers: swaks → Postfix (policy: DUNNO) → LMTP with XFORWARD → mailgate.
    sent = swaks(postfix, AUTHORITY, to_authority, "We cut the verges twice a year.")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    [inbound] = eventually(lambda: from_postfix(live), "mailgate did not get the reply over LMTP", postfix)
    assert (inbound.peer, inbound.helo) == (CLIENT_ADDRESS, AUTHORITY_HELO)  # XFORWARD's client, not Postfix
    live.wait_idle()
    with Session(live.context.engine) as session:
        bodies = [m.body_text for m in session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread.id)
                                                    .where(ThreadMessage.inbound_id == inbound.id))]
    assert any("We cut the verges twice a year." in body for body in bodies), bodies
    # mailgate tells the citizen, through Postfix again.
    [notification] = eventually(lambda: [mail for mail in sink.to(CITIZEN) if "New response" in mail.message["Subject"]],
                                "the citizen's notification did not reach the sink", postfix)
    assert "We cut the verges twice a year." in notification.text

    # An unknown recipient: Postfix refuses it at RCPT with mailgate's code and reason; nothing reaches mailgate.
    unknown = swaks(postfix, AUTHORITY, "nobody@foi.test", "Anyone there?")
    assert unknown.returncode != 0
    assert "<** 550 5.1.1 <nobody@foi.test>: Recipient address rejected: " in unknown.stdout, unknown.stdout
    assert reason(live, "nobody@foi.test", AUTHORITY) in unknown.stdout

    # An operator closes the thread: once mailgate's RCPT cache has passed, Postfix refuses the authority too.
    with Session(live.context.engine) as session:
        closed = session.get(Thread, thread.id)
        assert closed is not None
        closed.who_may_post = WhoMayPost.NOBODY
        session.commit()
    time.sleep(CACHE_SECONDS)
    late = swaks(postfix, AUTHORITY, to_authority, "One more thing.")
    assert late.returncode != 0
    assert f"<** 550 5.1.1 <{to_authority}>: Recipient address rejected: " in late.stdout, late.stdout
    assert reason(live, to_authority, AUTHORITY) in late.stdout
    assert "is closed and no longer accepts mail" in late.stdout

    # Refused at the edge: mailgate stored only the one reply, and nobody got a bounce.
    assert len(from_postfix(live)) == 1
    assert len(sink.to(AUTHORITY)) == 1 and "status=bounced" not in postfix.log_text()
