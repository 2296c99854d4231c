"""A forged questionnaire answer: YES from another address to the constituent's token address, or an
automatic YES, counts for nothing; the constituent's own answer still does."""
from __future__ import annotations

from datetime import timedelta

from processors.letters.responsiveness import replied, send_letter_questionnaires
from tests.letters.conftest import mps  # noqa: F401  (the fixture)
from tests.letters.test_responsiveness import answer, delivered_letter, letter_row, questionnaires


def test_a_forged_yes_is_not_counted(mps, relay):  # noqa: F811
    letter_id, _ = delivered_letter(mps, relay)
    mps.clock.advance(timedelta(days=15))
    send_letter_questionnaires(mps.context)
    mps.wait_idle()
    [questionnaire] = questionnaires(relay)
    answer(mps, questionnaire, "YES", sender="mp-office@parliament.example")
    assert letter_row(mps, letter_id).answer == ""
    assert not replied(letter_row(mps, letter_id))
    answer(mps, questionnaire, "NO")  # the constituent's own answer counts
    assert letter_row(mps, letter_id).answer == "no"
    answer(mps, questionnaire, "YES", sender="mp-office@parliament.example")
    assert letter_row(mps, letter_id).answer == "no"  # and a later forgery does not change it
