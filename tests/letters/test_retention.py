"""A letter's text is deleted 28 days after delivery from everywhere mailgate kept it: a test reads every
byte of the SQLite file (and its WAL) and of MAILGATE_HOME for a phrase of the letter and one of the
MP's reply, and finds neither; names and addresses go after two years; the statistics stay."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from processors.letters.responsiveness import replied
from processors.letters.retention import anonymise_old_letters, delete_old_letter_text
from store.letter_moderation import LetterFingerprint
from store.models import Thread
from store.representatives import Letter
from tests.letters.test_responsiveness import mp_mail
from tests.letters.test_writing import CONSTITUENT, LETTER, MP, confirm, letter

PHRASE = b"QUOKKAPARLIAMENTPHRASE"  # on a line of its own: no encoding splits it
REPLY_PHRASE = b"I have raised it with the operator"


def places_holding(home: Path, needle: bytes) -> list[str]:
    """Every file under home whose bytes hold the needle (the database, its WAL, blobs, Maildirs)."""
    return [str(path.relative_to(home)) for path in sorted(home.rglob("*"))
            if path.is_file() and needle in path.read_bytes()]


# The byte search reads the embedded store's SQLite file (on PostgreSQL, old row versions stay until
# VACUUM: docs/letters.md), so this test runs on the embedded backend only.
@pytest.mark.parametrize("backend", [{}], ids=["embedded"])
def test_the_text_is_gone_from_every_byte_after_28_days(mps, relay, backend):
    home = Path(mps.settings.home)
    body = LETTER.replace("to restore the evening service.", "to restore the evening service.\n" + PHRASE.decode())
    for _ in range(2):  # sent twice: two raw copies, one letter
        mps.send(letter("write@foi.test", body=body), CONSTITUENT, ["write@foi.test"])
        mps.wait_idle()
        mps.clock.advance(timedelta(hours=2))
    confirm(mps, relay.to(CONSTITUENT)[0])
    [delivered] = relay.to(MP)
    assert PHRASE in delivered.raw
    mp_mail(mps, delivered, "03_mp_reply_outlook.eml")
    letter_id = int(delivered.message["From"].addresses[0].addr_spec.split("-")[1])
    mps.clock.advance(timedelta(days=1))
    mp_mail(mps, delivered, "04_mp_auto_reply_outlook.eml")
    assert places_holding(home, PHRASE) and places_holding(home, REPLY_PHRASE)  # the search finds them

    mps.clock.advance(timedelta(days=26))
    assert delete_old_letter_text(mps.context) == 0  # 27 days after delivery: kept
    mps.clock.advance(timedelta(days=1, hours=1))
    assert delete_old_letter_text(mps.context) == 1
    mps.wait_idle()
    assert places_holding(home, PHRASE) == []
    assert places_holding(home, REPLY_PHRASE) == []
    assert delete_old_letter_text(mps.context) == 0  # once
    with Session(mps.context.engine) as session:
        row = session.get(Letter, letter_id)
        assert replied(row) and row.first_reply_at is not None  # statistics stay
        assert session.get(LetterFingerprint, letter_id).hashes  # and the fingerprint
        assert session.get(Thread, letter_id).citizen_name == "Jo Bloggs"  # names: two years

    mps.clock.advance(timedelta(days=701))  # 729 days
    assert anonymise_old_letters(mps.context) == 0
    mps.clock.advance(timedelta(days=1, hours=1))
    assert anonymise_old_letters(mps.context) == 1
    for private in (b"Jo Bloggs", b"12 Example Street", CONSTITUENT.encode()):
        assert places_holding(home, private) == [], private
    with Session(mps.context.engine) as session:
        assert replied(session.get(Letter, letter_id))
