"""A flood of letters from one constituent: after MAILGATE_LETTERS_PER_SENDER_PER_DAY (5) letters in a
day, no more are taken, even confirmed ones, and the sender is told when they can write again."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from store.models import Thread
from tests.letters.conftest import mps  # noqa: F401  (the fixture)
from tests.letters.test_writing import CONSTITUENT, LETTER, MP, confirm, letter


def test_a_flood_of_letters_from_one_sender_stops_at_five_a_day(mps, relay):  # noqa: F811
    start = mps.clock.now()
    for n in range(8):
        mps.send(letter("write@foi.test", subject=f"Buses {n}", body=LETTER.replace("number 4", f"number {n}")),
                 CONSTITUENT, ["write@foi.test"])
        mps.wait_idle()
        answer = relay.to(CONSTITUENT)[-1]
        if answer.message["Subject"].startswith("Please confirm"):
            confirm(mps, answer)
        mps.clock.advance(timedelta(hours=2))  # past the strangers' limit of one mail an hour
    assert len(relay.to(MP)) == 5
    refusals = [m for m in relay.to(CONSTITUENT) if m.message["Subject"].startswith("You cannot write")]
    assert len(refusals) == 3
    text = " ".join(refusals[0].text.split())
    assert "You have sent 5 letters through" in text
    assert f"You can write again from {(start + timedelta(days=1)):%-d %B %Y at %H:%M} UTC" in text
    with Session(mps.context.engine) as session:
        assert len(session.exec(select(Thread)).all()) == 5  # the refused letters are not kept


def test_letters_waiting_for_confirmation_cannot_pass_the_limit_together(mps, relay):  # noqa: F811
    for n in range(7):  # seven letters written, none confirmed yet
        mps.send(letter("write@foi.test", subject=f"Buses {n}", body=LETTER.replace("number 4", f"number {n}")),
                 CONSTITUENT, ["write@foi.test"])
        mps.wait_idle()
        mps.clock.advance(timedelta(hours=1, minutes=1))
    confirmations = [m for m in relay.to(CONSTITUENT) if m.message["Subject"].startswith("Please confirm")]
    assert len(confirmations) == 7
    for confirmation in confirmations:
        confirm(mps, confirmation)
        mps.clock.advance(timedelta(hours=1, minutes=1))  # each refusal is a mail to a stranger: one an hour
    assert len(relay.to(MP)) == 5
    assert len([m for m in relay.to(CONSTITUENT) if m.message["Subject"].startswith("You cannot write")]) == 2
