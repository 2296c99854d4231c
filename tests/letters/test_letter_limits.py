"""Rate limits on letters: at most MAILGATE_LETTERS_PER_SENDER_PER_DAY letters from one constituent and
MAILGATE_LETTERS_PER_REPRESENTATIVE_PER_DAY to one representative; over a limit, the constituent is told
when they can write again, and nothing more reaches the representative."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import DATA
from tests.letters.conftest import mps_with  # noqa: F401  (the fixture)
from tests.letters.test_writing import MP, confirm, letter


def test_a_representative_gets_at_most_the_daily_limit_of_letters(mps_with, relay):  # noqa: F811
    mps = mps_with(letters_per_representative_per_day=2)
    senders = [f"constituent{n}@citizen.example" for n in range(3)]
    for n, sender in enumerate(senders):
        # Letters in their writers' own words: copies of one text would be held as a template.
        body = (DATA / "letters" / "campaign" / f"independent_{n + 1}.txt").read_text()
        mps.send(letter("write-alys-prydderch@foi.test", subject=f"Maternity unit {n}", body=body, sender=sender),
                 sender, ["write-alys-prydderch@foi.test"])
        mps.wait_idle()
        [answer] = relay.to(sender)
        if n < 2:
            confirm(mps, answer, sender)
        mps.clock.advance(timedelta(hours=1))
    assert len(relay.to(MP)) == 2
    [refused] = relay.to(senders[2])
    assert refused.message["Subject"].startswith("You cannot write to Alys Prydderch today")
    text = " ".join(refused.text.split())
    assert "Alys Prydderch has already been sent 2 letters through" in text
    # The first letter went at the start: the window reopens a day after it.
    first = mps.clock.now() - timedelta(hours=3)
    assert f"You can write again from {(first + timedelta(days=1)):%-d %B %Y at %H:%M} UTC" in text
    mps.clock.advance(timedelta(hours=22))
    mps.send(letter("write@foi.test", subject="Buses again", sender=senders[2]), senders[2], ["write@foi.test"])
    mps.wait_idle()
    assert relay.to(senders[2])[-1].message["Subject"].startswith("Please confirm your letter")
