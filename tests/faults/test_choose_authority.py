"""Replies to the "we don't know that authority" mail (processors/foi/choose.py) reach a token address whose
answer goes to a stranger: only the sender we answered may choose, an automatic or forged reply does nothing,
the answer repeats nothing the reply says, and a reply that names nothing is answered a bounded number of times."""
from __future__ import annotations

from sqlmodel import Session, select

from processors.foi.choose import AGAIN_AT_MOST
from store.models import HeldMessage, Thread
from tests.faults.test_reflection import SPAM_BODY, SPAM_WORDS
from tests.harness import import_sample_authorities

VICTIM = "jo@citizen.example"


def ask_unknown(service, relay, sender: str = VICTIM):
    """A request to foi-borsetshire@ (no such slug); returns the answer's choose address and Message-ID."""
    domain = service.settings.domain
    import_sample_authorities(service)
    service.send((f"From: Jo <{sender}>\r\nTo: foi-borsetshire@{domain}\r\nSubject: Library opening hours\r\n"
                  "Message-ID: <first@citizen.example>\r\n\r\nPlease tell me the library opening hours.\r\n").encode(),
                 sender, [f"foi-borsetshire@{domain}"])
    service.wait_idle()
    [answer] = relay.to(sender)
    return str(answer.message["Reply-To"]), answer.message["Message-ID"]


def answer_back(service, address: str, body: str, sender: str = VICTIM, n: int = 0, **headers: str) -> None:
    extra = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    service.send((f"From: Jo <{sender}>\r\nTo: {address}\r\nSubject: Re: hours\r\n"
                  f"Message-ID: <answer-{n}@citizen.example>\r\n{extra}\r\n{body}\r\n").encode(), sender, [address])
    service.wait_idle()


def threads(service) -> list[Thread]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(Thread)).all())


def held(service) -> list[HeldMessage]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(HeldMessage)).all())


def test_only_the_sender_we_answered_can_choose(service, relay):
    choose, _ = ask_unknown(service, relay)
    answer_back(service, choose, "borsetshire-council", sender="mallory@evil.example")
    assert threads(service) == [] and relay.to("mallory@evil.example") == [] and len(relay.to(VICTIM)) == 1
    assert held(service) == []


def test_an_automatic_answer_to_the_choose_mail_does_nothing(service, relay):
    choose, _ = ask_unknown(service, relay)
    answer_back(service, choose, "I am out of the office until Monday. borsetshire-council", Auto_Submitted="auto-replied")
    assert threads(service) == [] and len(relay.to(VICTIM)) == 1


def test_a_reply_with_a_forged_looking_sender_does_nothing(service, relay):
    choose, _ = ask_unknown(service, relay)
    # two From: addresses make the sender-trust verdict fail, whoever they are
    service.send((f"From: Jo <{VICTIM}>, Other <other@elsewhere.example>\r\nTo: {choose}\r\nSubject: Re: hours\r\n"
                  "\r\nborsetshire-council\r\n").encode(), VICTIM, [choose])
    service.wait_idle()
    assert threads(service) == [] and len(relay.to(VICTIM)) == 1


def test_the_answer_to_a_reply_repeats_none_of_it_and_stops_after_a_few(service, relay):
    choose, _ = ask_unknown(service, relay)
    for n in range(AGAIN_AT_MOST + 2):
        answer_back(service, choose, SPAM_BODY, n=n)
    answers = relay.to(VICTIM)[1:]
    assert len(answers) == AGAIN_AT_MOST  # bounded, however many replies come
    for mail in answers:
        seen = mail.text + str(mail.message["Subject"])
        for word in SPAM_WORDS:
            assert word not in seen, word
        assert "borsetshire-council" in mail.text  # the close match, in our words
    assert threads(service) == [] and held(service) == []
