"""Writing to an MP by email, over SMTP on both backends: a real postcode finds the MP, the constituent
confirms by replying, the letter reaches the MP from the letter's own address with the postal details,
the MP's reply and auto-reply come back privately; and what is refused is answered with why."""
from __future__ import annotations

import smtplib
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from processors.letters.expiry import expire_unconfirmed_letters
from store.models import Outbox, Thread, ThreadMessage
from store.representatives import Letter
from tests.conftest import DATA
from tests.harness import fill_template

CONSTITUENT = "jo@citizen.example"
MP = "alys.prydderch@parliament.example"
LETTER = """Dear Ms Prydderch,

The number 4 bus no longer stops in Llangefni after six in the evening. Please ask the operator
to restore the evening service.

Yours sincerely,

Jo Bloggs
12 Example Street
Llangefni
LL65 3LA
"""


def letter(to: str, subject: str = "The number 4 bus, LL65 3LA", body: str = LETTER, sender: str = CONSTITUENT) -> bytes:
    return from_sender(fill_template(DATA / "letters" / "01_constituent_letter_thunderbird.eml", TO=to,
                                     SUBJECT=subject, BODY=body, MESSAGE_ID=uuid.uuid4().hex), sender)


def from_sender(raw: bytes, sender: str) -> bytes:
    """A fixture written by CONSTITUENT, as if `sender` had written it (the From: header's address)."""
    return raw.replace(f"<{CONSTITUENT}>".encode(), f"<{sender}>".encode(), 1)


def confirm(service, confirmation, sender: str = CONSTITUENT) -> None:
    address = confirmation.message["Reply-To"]
    service.send(from_sender(fill_template(DATA / "foi" / "02_citizen_confirm_applemail.eml", TO=address,
                                           IN_REPLY_TO=confirmation.message["Message-ID"]), sender),
                 sender, [address])
    service.wait_idle()


def test_a_letter_by_postcode_confirmed_delivered_and_answered_privately(mps, relay):
    service, domain = mps, mps.settings.domain
    service.send(letter(f"write@{domain}"), CONSTITUENT, [f"write@{domain}"])
    service.wait_idle()
    assert relay.to(MP) == []  # nothing goes before the constituent confirms
    [confirmation] = relay.to(CONSTITUENT)
    assert confirmation.message["Subject"] == "Please confirm your letter to Alys Prydderch: The number 4 bus, LL65 3LA"
    assert "Alys Prydderch (Red Party), the MP for the postcode" in confirmation.text
    assert "Llangefni" not in confirmation.text and "Jo Bloggs" not in confirmation.text  # nothing of theirs repeated
    assert confirmation.message["Reply-To"].startswith("confirm-")

    confirm(service, confirmation)
    [delivered] = relay.to(MP)
    sender = delivered.message["From"].addresses[0]
    assert sender.display_name == "Jo Bloggs" and sender.addr_spec.startswith("letter-")
    assert sender.addr_spec.endswith("@" + domain)
    assert "restore the evening service" in delivered.text
    assert "Jo Bloggs\n12 Example Street\nLlangefni\nLL65 3LA" in delivered.text.replace("\r\n", "\n")
    assert "your reply is\nforwarded to them privately" in delivered.text.replace("\r\n", "\n")
    assert CONSTITUENT not in delivered.raw.decode("utf-8", "replace")  # the constituent's address never goes
    assert "Auto-Submitted" not in delivered.message  # a person wrote it
    [sent] = [m for m in relay.to(CONSTITUENT) if "has been sent" in m.message["Subject"]]

    # The MP's auto-reply is forwarded marked as automatic; the reply is forwarded; neither is published.
    reply_values = {"TO": sender.addr_spec, "SUBJECT": delivered.message["Subject"],
                    "IN_REPLY_TO": delivered.message["Message-ID"]}
    service.send(fill_template(DATA / "letters" / "04_mp_auto_reply_outlook.eml", **reply_values), MP,
                 [sender.addr_spec])
    service.wait_idle()
    service.send(fill_template(DATA / "letters" / "03_mp_reply_outlook.eml", **reply_values), MP, [sender.addr_spec])
    service.wait_idle()
    automatic, reply = [m for m in relay.to(CONSTITUENT) if "from Alys Prydderch" in m.message["Subject"]]
    assert automatic.message["Subject"].startswith("Automatic answer from Alys Prydderch")
    assert "not\na reply from Alys Prydderch yet" in automatic.text.replace("\r\n", "\n")
    assert reply.message["Subject"].startswith("Reply from Alys Prydderch")
    assert "I have raised it with the operator" in reply.text
    assert relay.to(MP) == [delivered]  # nothing went back to the MP
    thread_id = int(sender.addr_spec.split("-")[1])
    with Session(service.context.engine) as session:
        thread = session.get(Thread, thread_id)
        assert (thread.kind, thread.state, thread.public, thread.citizen_name) == ("letter", "replied", False, "Jo Bloggs")
        kinds = [m.kind for m in session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread_id)
                                              .order_by(ThreadMessage.id))]
        assert kinds == ["request", "auto_reply", "reply"]
        assert session.get(Letter, thread_id).postal_address == "12 Example Street\nLlangefni\nLL65 3LA"


@pytest.mark.parametrize("to, subject, body, expected", [
    ("write", "Buses", LETTER.replace("LL65 3LA", "Anglesey"), "Your mail had no postcode in its subject, its first line or its last."),
    ("write", "Buses ZZ1 1ZZ", LETTER, "there is no postcode area 'ZZ' in the UK."),
    ("write", "Buses BT7 1NN", LETTER, "BT7 1NN is a Northern Ireland postcode"),
    ("write", "Buses BH9 2LE", LETTER, "BH9 2LE is in Bournemouth West, and mailgate has no MP for it today."),
    ("write-nobody-at-all", "Buses", LETTER, "No representative has the address write-nobody-at-all@foi.test today."),
    ("write-edith-former", "Buses", LETTER, "No representative has the address write-edith-former@foi.test today."),
])
def test_a_letter_without_a_postcode_mailgate_can_use_gets_a_reply_asking_for_one(mps, relay, to, subject, body,
                                                                                    expected):
    mps.send(letter(f"{to}@foi.test", subject, body), CONSTITUENT, [f"{to}@foi.test"])
    mps.wait_idle()
    [answer] = relay.to(CONSTITUENT)
    assert answer.message["Subject"].startswith("Which postcode are you writing from?")
    assert expected in " ".join(answer.text.split())
    assert "end it with your name and postal address" in " ".join(answer.text.split())


def test_name_and_postal_address_are_required(mps, relay):
    unsigned = LETTER.split("Yours sincerely")[0] + "Jo\n"
    mps.send(letter("write@foi.test", body=unsigned), CONSTITUENT, ["write@foi.test"])
    mps.wait_idle()
    [answer] = relay.to(CONSTITUENT)
    assert answer.message["Subject"] == "Please add your name and postal address (The number 4 bus, LL65 3LA)"
    with Session(mps.context.engine) as session:
        assert session.exec(select(Thread)).all() == []


def test_a_representative_who_does_not_accept_email_is_named_at_once_with_the_postal_address(mps, relay):
    body = LETTER.replace("LL65 3LA", "CF6 2AQ")
    mps.send(letter("write-gethin-ap-rhys@foi.test", "Parking", body), CONSTITUENT, ["write-gethin-ap-rhys@foi.test"])
    mps.wait_idle()
    [answer] = relay.to(CONSTITUENT)
    assert answer.message["Subject"] == "Gethin ap Rhys does not accept letters by email"
    assert "Swyddfa'r Etholaeth, 1 Heol Enghraifft, Caerdydd" in answer.text


def test_write_slug_writes_to_the_named_representative(mps, relay):
    body = LETTER.replace("Ms Prydderch", "Mr Fairweather").replace("LL65 3LA", "SW1A 0AA")
    mps.send(letter("write-hugo-fairweather@foi.test", "Bridges", body), CONSTITUENT, ["write-hugo-fairweather@foi.test"])
    mps.wait_idle()
    [confirmation] = relay.to(CONSTITUENT)
    assert confirmation.message["Subject"] == "Please confirm your letter to Hugo Fairweather: Bridges"
    confirm(mps, confirmation)
    [delivered] = relay.to("hugo.fairweather@parliament.example")
    assert "Dear Mr Fairweather" in delivered.text


def test_at_most_two_confirmation_mails_and_unconfirmed_letters_expire_after_seven_days(mps, relay):
    for _ in range(4):  # the same letter sent again and again
        mps.send(letter("write@foi.test"), CONSTITUENT, ["write@foi.test"])
        mps.wait_idle()
        mps.clock.advance(timedelta(hours=2))  # past the stranger limit of one mail an hour
    confirmations = relay.to(CONSTITUENT)
    assert len(confirmations) == 2
    with Session(mps.context.engine) as session:
        outbox = session.exec(select(Outbox).where(Outbox.kind == "letter_confirm")).all()
        assert len(outbox) == 2
    mps.clock.advance(timedelta(days=6))
    assert expire_unconfirmed_letters(mps.context) == 0  # 6 days and 8 hours: not yet
    mps.clock.advance(timedelta(days=1))
    assert expire_unconfirmed_letters(mps.context) == 1
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:  # refused at RCPT: nothing to confirm
        confirm(mps, confirmations[-1])
    assert b"or has expired" in next(iter(refused.value.recipients.values()))[1]
    assert relay.to(MP) == []  # an expired letter is never sent
    with Session(mps.context.engine) as session:
        [thread] = session.exec(select(Thread)).all()
        assert (thread.state, thread.body) == ("expired", "")  # its text is not kept


def test_a_bounced_letter_tells_the_constituent_with_a_copy(mps, relay):
    mps.send(letter("write@foi.test"), CONSTITUENT, ["write@foi.test"])
    mps.wait_idle()
    confirm(mps, relay.to(CONSTITUENT)[0])
    [delivered] = relay.to(MP)
    with Session(mps.context.engine) as session:
        outbox = session.exec(select(Outbox).where(Outbox.kind == "letter_delivery")).one()
    bounce = fill_template(DATA / "spine" / "postfix_bounce.eml", VERP=outbox.envelope_from,
                           MESSAGE_ID=outbox.message_id_header)
    mps.send(bounce, "", [outbox.envelope_from])
    mps.wait_idle()
    [told] = [m for m in relay.to(CONSTITUENT) if "could not be delivered" in m.message["Subject"]]
    assert told.message["Subject"] == "Your letter could not be delivered to Alys Prydderch"
    assert "restore the evening service" in told.text  # a copy of the letter
    with Session(mps.context.engine) as session:
        assert session.get(Outbox, outbox.id).state == "failed"  # what `mailgate status` shows the operator
        kinds = [m.kind for m in session.exec(select(ThreadMessage).order_by(ThreadMessage.id))]
    assert kinds == ["request", "bounce"]
