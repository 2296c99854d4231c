"""WriteToThem's copy-paste measure on a fixture set (tests/data/letters/campaign/): one campaign text
lightly edited by four writers is alike (≥ 0.5, held); three letters on the same topic in their
writers' own words are not alike to it or to each other."""
from __future__ import annotations

from itertools import combinations

from processors.letters.moderation import SIMILARITY_HELD
from processors.letters.similarity import MAX_LETTER_BYTES, WINDOW, decode, dice, encode, fingerprint, own_words
from tests.conftest import DATA

CAMPAIGN = DATA / "letters" / "campaign"
TEMPLATES = sorted(CAMPAIGN.glob("template_*.txt"))
INDEPENDENT = sorted(CAMPAIGN.glob("independent_*.txt"))


def test_a_template_with_light_edits_is_alike_enough_to_be_held():
    assert len(TEMPLATES) == 4
    for a, b in combinations(TEMPLATES, 2):
        assert dice(fingerprint(a.read_text()), fingerprint(b.read_text())) >= SIMILARITY_HELD, (a.name, b.name)


def test_independent_letters_on_the_same_topic_are_not():
    for a, b in combinations(INDEPENDENT + TEMPLATES[:1], 2):
        assert dice(fingerprint(a.read_text()), fingerprint(b.read_text())) < SIMILARITY_HELD, (a.name, b.name)


def test_greeting_sign_off_and_address_are_not_the_letter():
    words = own_words((CAMPAIGN / "template_2.txt").read_text())
    assert words.startswith("i am writing to ask you")
    assert words.endswith("keep the unit open")
    for private in ("alys", "kind regards", "siân", "hughes", "ffordd", "ll77"):
        assert private not in words


def test_only_hashes_whose_low_four_bits_are_zero_are_kept_and_they_round_trip():
    text = (CAMPAIGN / "template_1.txt").read_text()
    kept = fingerprint(text)
    windows = len(own_words(text).encode()) - WINDOW + 1
    assert 0 < len(kept) < windows / 8  # about one window in sixteen
    assert decode(encode(kept)) == kept
    assert "maternity" not in encode(kept)  # the stored form has none of the words


def test_a_changed_name_alone_does_not_change_the_fingerprint():
    text = (CAMPAIGN / "template_1.txt").read_text()
    assert fingerprint(text) == fingerprint(text.replace("Jo Bloggs", "Someone Else").replace("Dear Ms", "Dear Mrs"))


def test_work_is_bounded_for_a_huge_letter():
    huge = "Dear MP,\n\n" + " ".join(str(n) for n in range(300_000))  # 2 MB, no two windows alike
    kept = fingerprint(huge)
    assert len(own_words(huge).encode()) > 9 * MAX_LETTER_BYTES
    # Only the first MAX_LETTER_BYTES are hashed: nothing of the letter's end is in its fingerprint.
    assert kept and not kept & fingerprint(" ".join(str(n) for n in range(250_000, 300_000)))
    assert len(kept) < MAX_LETTER_BYTES / 8
