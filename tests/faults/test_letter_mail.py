"""Hostile letters: a signature crafted to write headers or to be huge, a confirmation from someone
else, a confirmation with a forged From: each is contained, and nothing reaches the MP unconfirmed."""
from __future__ import annotations

from sqlmodel import Session, select

from store.models import Thread
from store.representatives import Letter
from tests.conftest import DATA
from tests.harness import fill_template
from tests.letters.conftest import mps  # noqa: F401  (the fixture)
from tests.letters.test_writing import CONSTITUENT, LETTER, MP, confirm, letter


def test_a_huge_signature_is_cut_to_one_bounded_header_and_bounded_address_lines(mps, relay):  # noqa: F811
    name = "Jo\x1b[2J Bloggs\u202e" + "A" * 5000
    body = LETTER.replace("Jo Bloggs\n12 Example Street", name + "\n" + "\n".join(f"Line {n} " + "B" * 900
                                                                                 for n in range(5)))
    mps.send(letter("write@foi.test", body=body), CONSTITUENT, ["write@foi.test"])
    mps.wait_idle()
    [confirmation] = relay.to(CONSTITUENT)
    confirm(mps, confirmation)
    [delivered] = relay.to(MP)
    display = delivered.message["From"].addresses[0].display_name
    assert display.startswith("Jo [2J Bloggs") and len(display) <= 300 and "\x1b" not in display
    assert "\u202e" not in display  # a right-to-left override would show the MP another name
    with Session(mps.context.engine) as session:
        [thread] = session.exec(select(Thread)).all()
        address = session.get(Letter, thread.id).postal_address.splitlines()
    assert len(thread.citizen_name) <= 300
    assert len(address) == 7 and all(len(line) <= 200 for line in address)
    assert address[-1] == "LL65 3LA"


def test_a_signature_too_long_to_be_an_address_is_asked_for_again(mps, relay):  # noqa: F811
    body = LETTER.replace("Jo Bloggs\n", "Jo Bloggs\n" + "\n".join(f"Line {n}" for n in range(40)) + "\n")
    mps.send(letter("write@foi.test", body=body), CONSTITUENT, ["write@foi.test"])
    mps.wait_idle()
    [answer] = relay.to(CONSTITUENT)
    assert answer.message["Subject"].startswith("Please add your name and postal address")
    assert relay.to(MP) == []


def test_a_confirmation_from_another_address_sends_nothing(mps, relay):  # noqa: F811
    mps.send(letter("write@foi.test"), CONSTITUENT, ["write@foi.test"])
    mps.wait_idle()
    [confirmation] = relay.to(CONSTITUENT)
    address = confirmation.message["Reply-To"]
    raw = fill_template(DATA / "foi" / "02_citizen_confirm_applemail.eml", TO=address,
                        IN_REPLY_TO=confirmation.message["Message-ID"])
    raw = raw.replace(b"<jo@citizen.example>", b"<mallory@elsewhere.example>")
    mps.send(raw, "mallory@elsewhere.example", [address])
    mps.wait_idle()
    assert relay.to(MP) == []
    with Session(mps.context.engine) as session:
        assert session.exec(select(Thread.state)).all() == ["awaiting_confirmation"]
