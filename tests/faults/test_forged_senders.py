"""Who is writing? A follow-up is acted on only when nothing says its sender is forged.

Each case was reproduced from outside: the follow-up reached the authority, or a forged
withdrawal closed the request. The verdict (processors/trust/verdict.py) is pass, fail or
unknown; on the embedded default (MAILGATE_SENDER_TRUST=none) only failures count, and a
doubtful message is held until the registered address confirms it (processors/trust/challenge.py).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from store.models import Challenge, InboundMessage, Thread
from tests.foi.test_rules import CITIZEN, held, make_thread, messages
from tests.spine.test_cli import cli  # noqa: F401  (the fixture)

AUTHORITY = "clerk@ambridge-parish.example"



@pytest.fixture
def backend():
    """The embedded store and broker: what is judged here does not depend on them (tests/foi runs both)."""
    return {}


def follow_up(service, thread_id: int, head: str, body: str = "Please also send the 2024 figures.") -> None:
    """A follow-up to the citizen-facing address with the given From/trace headers."""
    address = service.context.addresses.citizen_facing(thread_id)
    raw = (f"{head}To: {address}\r\nSubject: Re: your request\r\n"
           f"Message-ID: <{abs(hash(head + body))}@citizen.example>\r\n\r\n{body}\r\n").encode()
    service.send(raw, CITIZEN, [address])
    service.wait_idle()


def sent_to_authority(relay) -> int:
    return len(relay.to(AUTHORITY))


def last_inbound(service) -> InboundMessage:
    with Session(service.context.engine) as session:
        return session.exec(select(InboundMessage).order_by(InboundMessage.id.desc())).first()


def challenges(service) -> list[Challenge]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(Challenge).order_by(Challenge.id)))


def thread_state(service, thread_id: int) -> str:
    with Session(service.context.engine) as session:
        return session.get(Thread, thread_id).state


FORGERIES = {
    # The From: parser took the last address; the mailbox owner is the first.
    "two addresses in one From": f"From: mallory@evil.example, Sam <{CITIZEN}>\r\n",
    # ... and the first of two headers.
    "two From headers": f"From: Sam <{CITIZEN}>\r\nFrom: mallory@evil.example\r\n",
    "no From at all": "Sender: mallory@evil.example\r\n",
    "Received-SPF fail": f"Received-SPF: fail (citizen.example: 192.0.2.9 is not permitted) client-ip=192.0.2.9; "
                         f"envelope-from={CITIZEN}\r\nFrom: Sam <{CITIZEN}>\r\n",
    "DMARC fail from any authserv-id": "Authentication-Results: relay.example.net; dmarc=fail header.from=citizen.example"
                                       f"\r\nFrom: Sam <{CITIZEN}>\r\n",
}


@pytest.mark.parametrize("head", list(FORGERIES.values()), ids=list(FORGERIES))
def test_a_forged_follow_up_is_not_sent_and_the_requester_is_asked(service, relay, head):
    thread = make_thread(service)
    before, to_citizen = sent_to_authority(relay), len(relay.to(CITIZEN))
    follow_up(service, thread.id, head)
    assert sent_to_authority(relay) == before
    assert last_inbound(service).sender_trust == "fail"
    [pen] = held(service)
    if "mallory" not in head or "Sam" in head:  # the registered address is asked, never the forger
        [challenge] = challenges(service)
        assert challenge.recipient == CITIZEN and f"challenge {challenge.id}" in pen.reason
        assert len(relay.to(CITIZEN)) == to_citizen + 1
    assert not relay.to("mallory@evil.example")


def test_a_follow_up_with_no_evidence_either_way_acts_as_before(service, relay):
    thread = make_thread(service)
    before = sent_to_authority(relay)
    follow_up(service, thread.id, f"From: Sam <{CITIZEN}>\r\n")
    assert sent_to_authority(relay) == before + 1
    assert last_inbound(service).sender_trust == "unknown" and not challenges(service)


def answer(service, relay, challenge: Challenge, sender: str = CITIZEN, **headers: str) -> None:
    """The registered address replies to the challenge mail."""
    address = service.context.addresses.challenge(challenge.id)
    mail = relay.to(CITIZEN)[-1].message
    assert mail["Reply-To"] == address and mail["Auto-Submitted"] == "auto-generated"
    extra = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    raw = (f"From: <{sender}>\r\nTo: {address}\r\nSubject: Re: please confirm\r\n{extra}\r\nYes, that was me.\r\n")
    service.send(raw.encode(), sender, [address])
    service.wait_idle()


def test_a_doubtful_follow_up_is_sent_once_the_requester_confirms(service, relay):
    thread = make_thread(service)
    before = sent_to_authority(relay)
    follow_up(service, thread.id, FORGERIES["Received-SPF fail"], body="Please send the figures by post.")
    [challenge] = challenges(service)
    answer(service, relay, challenge)
    assert sent_to_authority(relay) == before + 1
    assert "figures by post" in relay.to(AUTHORITY)[-1].text
    assert [c.state for c in challenges(service)] == ["confirmed"]
    assert [p.state for p in held(service)] == ["assigned"]


def test_an_automatic_answer_to_a_challenge_confirms_nothing(service, relay):
    thread = make_thread(service)
    before = sent_to_authority(relay)
    follow_up(service, thread.id, FORGERIES["Received-SPF fail"])
    [challenge] = challenges(service)
    answer(service, relay, challenge, Auto_Submitted="auto-replied")
    assert sent_to_authority(relay) == before
    assert [c.state for c in challenges(service)] == ["waiting"]


def test_a_challenge_expires_after_seven_days(service, relay):
    thread = make_thread(service)
    before = sent_to_authority(relay)
    follow_up(service, thread.id, FORGERIES["Received-SPF fail"])
    [challenge] = challenges(service)
    service.clock.advance(timedelta(days=7, minutes=1))
    answer(service, relay, challenge)
    assert sent_to_authority(relay) == before
    assert [c.state for c in challenges(service)] == ["expired"]


def test_a_withdrawal_always_needs_the_challenge(service, relay):
    thread = make_thread(service)
    follow_up(service, thread.id, f"From: Sam <{CITIZEN}>\r\n", body="status: withdrawn")
    assert thread_state(service, thread.id) != "user_withdrawn"
    [challenge] = challenges(service)
    assert challenge.recipient == CITIZEN and "withdraw" in challenge.action
    answer(service, relay, challenge)
    assert thread_state(service, thread.id) == "user_withdrawn"


def test_a_withdrawn_request_still_publishes_the_authoritys_replies(service, relay):
    thread = make_thread(service)
    follow_up(service, thread.id, f"From: Sam <{CITIZEN}>\r\n", body="status: withdrawn")
    answer(service, relay, challenges(service)[0])
    assert thread_state(service, thread.id) == "user_withdrawn"
    address = service.context.addresses.authority_facing(thread.id)
    raw = (f"From: Clerk <{AUTHORITY}>\r\nTo: {address}\r\nSubject: Re: Verge cutting\r\n\r\n"
           "We had already prepared the answer: twice a year.\r\n").encode()
    service.send(raw, AUTHORITY, [address])
    service.wait_idle()
    assert "twice a year" in messages(service, thread.id)[-1].public_body


def test_the_verdict_is_shown_where_the_message_is_held(service, relay, cli):  # noqa: F811
    thread = make_thread(service)
    follow_up(service, thread.id, FORGERIES["Received-SPF fail"])
    listed = cli("holding-pen", "list", MAILGATE_DATABASE_URL=service.settings.database_url).stdout
    assert "sender: fail (From: citizen.example; spf=fail for citizen.example (by Received-SPF))" in listed
    assert "waiting for <sam@citizen.example> to confirm" in listed


def test_the_challenge_mail_repeats_nothing_the_sender_wrote(service, relay):
    thread = make_thread(service)
    follow_up(service, thread.id, FORGERIES["Received-SPF fail"], body="Visit https://spam.example/win now!")
    text = relay.to(CITIZEN)[-1].text
    assert "Verge cutting" in text and "send a follow-up to request" in text
    assert "spam.example" not in text and "Visit" not in text and "Sam" not in text and "Received-SPF" not in text


def test_forgeries_cannot_flood_the_requester_with_challenges(service, relay):
    thread = make_thread(service)
    to_citizen = len(relay.to(CITIZEN))
    for n in range(3):
        follow_up(service, thread.id, FORGERIES["Received-SPF fail"], body=f"Forged follow-up number {n}.")
    assert len(relay.to(CITIZEN)) == to_citizen + 1  # one challenge mail an hour to one address
    assert len(challenges(service)) == 3 and all(p.state == "held" for p in held(service))
    assert "no challenge mail" in held(service)[-1].reason
