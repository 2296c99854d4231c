"""Template letters held for a moderator, over SMTP: a lightly edited copy of another writer's letter to
the same MP is held and its writer told; an operator releases it (sent) or rejects it (the writer told
why, the text dropped); letters in a writer's own words go; one writer's same letter to each of their
representatives goes; a writer on the allowlist is never held."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from processors.letters.moderation import allow, held_letters, reject, release
from processors.mail_out import commit_and_send
from store.letter_moderation import LetterFingerprint
from store.models import Thread
from tests.cli_home import Mailgate
from tests.conftest import DATA
from tests.letters.test_writing import MP, confirm, letter

CAMPAIGN = DATA / "letters" / "campaign"


def write(service, relay, sender: str, fixture: str, to: str = "write-alys-prydderch") -> int:
    """`sender` writes the fixture letter and confirms it; returns the letter's id."""
    service.clock.advance(timedelta(minutes=61))  # one mail an hour to a stranger
    service.send(letter(f"{to}@foi.test", subject="Llangefni maternity unit",
                        body=(CAMPAIGN / fixture).read_text(), sender=sender), sender, [f"{to}@foi.test"])
    service.wait_idle()
    confirmation = relay.to(sender)[-1]
    assert confirmation.message["Subject"].startswith("Please confirm"), confirmation.message["Subject"]
    confirm(service, confirmation, sender)
    return int(confirmation.message["Reply-To"].split("-")[1])


def operator(service, act):
    with Session(service.context.engine, expire_on_commit=False) as session:
        result = act(session, service.context)
        commit_and_send(session, service.context)
    service.wait_idle()
    return result


def subjects(relay, to: str) -> list[str]:
    return [str(m.message["Subject"]) for m in relay.to(to)]


def test_a_template_is_held_released_or_rejected_and_own_words_go(mps, relay, backend):
    first = write(mps, relay, "jo@citizen.example", "template_1.txt")
    assert len(relay.to(MP)) == 1

    copied = write(mps, relay, "sian@citizen.example", "template_2.txt")
    assert len(relay.to(MP)) == 1  # held, not sent
    assert "Your letter to Alys Prydderch is waiting for a moderator" in subjects(relay, "sian@citizen.example")
    own = write(mps, relay, "dafydd@citizen.example", "independent_1.txt")
    write(mps, relay, "margaret@citizen.example", "independent_2.txt")
    assert len(relay.to(MP)) == 3  # letters in their writers' own words go
    # The first writer sends the same letter to another of their representatives: not a campaign.
    write(mps, relay, "jo@citizen.example", "template_1.txt", to="write-hugo-fairweather")
    assert len(relay.to("hugo.fairweather@parliament.example")) == 1

    with Session(mps.context.engine) as session:
        [(thread, fingerprint)] = held_letters(session)
        assert (thread.id, thread.state, fingerprint.similar_to) == (copied, "held", first)
        assert fingerprint.score >= 0.5
        assert session.get(LetterFingerprint, own).similar_to is None
        assert "maternity" not in session.get(LetterFingerprint, first).hashes  # hashes, not words

    last_held = write(mps, relay, "owen@citizen.example", "template_3.txt")
    assert operator(mps, lambda s, c: release(s, c, copied)) == f"letter {copied} released and sent"
    assert len(relay.to(MP)) == 4
    assert "Your letter has been sent to Alys Prydderch" in subjects(relay, "sian@citizen.example")

    rejected = write(mps, relay, "gareth@citizen.example", "template_3.txt")
    operator(mps, lambda s, c: reject(s, c, rejected, "It is the campaign's text; please write in your own words."))
    [told] = [m for m in relay.to("gareth@citizen.example") if "was not sent" in str(m.message["Subject"])]
    assert "It is the campaign's text; please write in your own words." in told.text
    assert len(relay.to(MP)) == 4
    with Session(mps.context.engine) as session:
        thread = session.get(Thread, rejected)
        assert (thread.state, thread.body) == ("rejected", "")  # the held copy is not kept

    operator(mps, lambda s, c: allow(s, "Eleri@Citizen.example", "writes with a template: screen reader"))
    write(mps, relay, "eleri@citizen.example", "template_4.txt")
    assert len(relay.to(MP)) == 5  # the allowlist: never held

    if backend == {}:  # the commands themselves, on the embedded store the service ran on (last: the
        # command's own context replaces the process's clock and queue, which the live service shares)
        command = Mailgate(mps.settings.home)
        command.env |= {"MAILGATE_SECRET": "test-secret"}
        listed = command("letters", "held").output
        assert f"#{last_held} " in listed and "by another writer" in listed
        assert "writing to ask you to oppose the proposed closure" in listed  # the moderator reads it
        assert "not held" in command("letters", "release", str(own), expect=1).output

