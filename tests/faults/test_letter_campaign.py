"""A template campaign: many writers send one text to one MP. The first goes; every lightly edited copy
by another writer is held for a moderator, so the MP is not flooded with one text."""
from __future__ import annotations

from sqlmodel import Session

from processors.letters.moderation import held_letters
from tests.letters.conftest import mps  # noqa: F401  (the fixture)
from tests.letters.test_moderation import write
from tests.letters.test_writing import MP


def test_a_template_campaign_reaches_the_mp_once(mps, relay):  # noqa: F811
    writers = [f"campaigner{n}@citizen.example" for n in range(8)]
    for n, writer in enumerate(writers):
        write(mps, relay, writer, f"template_{n % 4 + 1}.txt")
    assert len(relay.to(MP)) == 1
    with Session(mps.context.engine) as session:
        assert len(held_letters(session)) == 7
