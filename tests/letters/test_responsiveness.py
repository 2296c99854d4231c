"""Whether the MP answered, counted without anyone asking: a reply through the letter's address counts
(with the time to it), an auto-reply or a bounce does not; a letter with no counted reply gets the
questionnaire 14 days after delivery and one reminder 7 days later, answered YES, NO or ACK."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from processors.letters.responsiveness import replied, send_letter_questionnaires
from store.representatives import Letter
from tests.conftest import DATA
from tests.harness import fill_template
from tests.letters.test_writing import CONSTITUENT, MP, confirm, from_sender, letter


def delivered_letter(mps, relay) -> tuple[int, object]:
    """A letter written, confirmed and delivered; returns its id and the mail the MP got."""
    mps.send(letter("write@foi.test"), CONSTITUENT, ["write@foi.test"])
    mps.wait_idle()
    confirm(mps, relay.to(CONSTITUENT)[0])
    [delivered] = relay.to(MP)
    return int(delivered.message["From"].addresses[0].addr_spec.split("-")[1]), delivered


def mp_mail(mps, delivered, fixture: str) -> None:
    to = delivered.message["From"].addresses[0].addr_spec
    mps.send(fill_template(DATA / "letters" / fixture, TO=to, SUBJECT=delivered.message["Subject"],
                           IN_REPLY_TO=delivered.message["Message-ID"]), MP, [to])
    mps.wait_idle()


def answer(mps, questionnaire, word: str, sender: str = CONSTITUENT) -> None:
    address = questionnaire.message["From"].addresses[0].addr_spec
    raw = fill_template(DATA / "foi" / "02_citizen_confirm_applemail.eml", TO=address,
                        IN_REPLY_TO=questionnaire.message["Message-ID"])
    head, _, _ = raw.partition(b"\r\n\r\n")
    mps.send(from_sender(head + b"\r\n\r\n" + word.encode() + b"\r\n\r\nJo\r\n", sender), sender, [address])
    mps.wait_idle()


def letter_row(mps, letter_id: int) -> Letter:
    with Session(mps.context.engine) as session:
        return session.get(Letter, letter_id)


def questionnaires(relay) -> list:
    return [m for m in relay.to(CONSTITUENT) if "answer your letter?" in str(m.message["Subject"])]


def test_a_reply_counts_with_its_time_and_an_auto_reply_does_not(mps, relay):
    letter_id, delivered = delivered_letter(mps, relay)
    sent_at = mps.clock.now()
    mps.clock.advance(timedelta(days=2))
    mp_mail(mps, delivered, "04_mp_auto_reply_outlook.eml")
    assert letter_row(mps, letter_id).first_reply_at is None  # automatic: not counted
    mps.clock.advance(timedelta(days=3))
    mp_mail(mps, delivered, "03_mp_reply_outlook.eml")
    row = letter_row(mps, letter_id)
    assert replied(row) and timedelta(days=5) <= row.first_reply_at - sent_at < timedelta(days=5, minutes=5)
    mps.clock.advance(timedelta(days=30))
    assert send_letter_questionnaires(mps.context) == 0  # a counted reply: nothing to ask


def test_the_questionnaire_after_14_days_one_reminder_after_7_more_and_never_a_third(mps, relay):
    letter_id, _ = delivered_letter(mps, relay)
    mps.clock.advance(timedelta(days=13, hours=23))
    assert send_letter_questionnaires(mps.context) == 0
    mps.clock.advance(timedelta(hours=2))
    assert send_letter_questionnaires(mps.context) == 1
    assert send_letter_questionnaires(mps.context) == 0
    mps.wait_idle()
    [first] = questionnaires(relay)
    assert first.message["Subject"] == "Did Alys Prydderch answer your letter?"
    assert "YES" in first.text and "ACK" in first.text
    mps.clock.advance(timedelta(days=6, hours=23))
    assert send_letter_questionnaires(mps.context) == 0
    mps.clock.advance(timedelta(hours=2))
    assert send_letter_questionnaires(mps.context) == 1
    mps.clock.advance(timedelta(days=30))
    assert send_letter_questionnaires(mps.context) == 0  # one reminder only
    mps.wait_idle()
    assert [str(m.message["Subject"]) for m in questionnaires(relay)] == [
        "Did Alys Prydderch answer your letter?", "Reminder: Did Alys Prydderch answer your letter?"]
    assert letter_row(mps, letter_id).questionnaires_sent == 2


@pytest.mark.parametrize("word, expected, counts", [("YES", "yes", True), ("No, nothing yet", "no", False),
                                                    ("ack", "ack", False)])
def test_the_answer_by_reply(mps, relay, word, expected, counts):
    letter_id, _ = delivered_letter(mps, relay)
    mps.clock.advance(timedelta(days=15))
    send_letter_questionnaires(mps.context)
    mps.wait_idle()
    answer(mps, questionnaires(relay)[0], word)
    row = letter_row(mps, letter_id)
    assert (row.answer, replied(row)) == (expected, counts)
    mps.clock.advance(timedelta(days=8))
    assert send_letter_questionnaires(mps.context) == 0  # answered: no reminder
