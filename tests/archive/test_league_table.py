"""The league table of representatives: letters delivered, the response rate with its 95% Wilson
interval, the median days to the first reply, "too little data" under 10 letters, the method on the
page; never a letter (the canary strings of tests/archive/conftest.py)."""
from __future__ import annotations

import re
from datetime import timedelta

from store.models import Counterpart, Thread
from store.representatives import Letter
from tests.archive.conftest import PRIVATE, TODAY, when
from web_archive.stats import responsiveness, wilson_interval


def test_wilson_interval_and_median_per_representative():
    outcomes = [(7, n < 9, float(n + 1) if n < 8 else None) for n in range(12)]  # 9 of 12; one by YES
    [row] = responsiveness(outcomes)
    assert (row.letters, row.replied, row.enough) == (12, 9, True)
    assert row.median_days == 4.5  # over the 8 replies with a date
    low, high = row.interval
    assert (round(low, 3), round(high, 3)) == (0.468, 0.911)
    assert wilson_interval(9, 12) == row.interval


def test_the_page_shows_the_interval_and_median_from_ten_letters(store, tmp_path):
    from web_archive.build import build_site

    mp = store.add(Counterpart(slug="ann-mp", name="Ann Other MP", email="ann@parliament.example", tags="mp"))
    for n in range(12):
        replied = n < 9
        sent = when(40 + n)
        thread = store.add(Thread(kind="letter", title="LETTER-CONTENT league", counterpart_id=mp.id,
                                  state="replied" if replied else "sent", public=False, sent_at=sent,
                                  citizen_name="LETTER-CONSTITUENT-NAME", citizen_email="voter@private.example",
                                  body="LETTER-CONTENT league body"))
        store.add(Letter(thread_id=thread.id, postcode="LETTER-POSTCODE", postal_address="LETTER-POSTAL-ADDRESS",
                         first_reply_at=sent + timedelta(days=n + 1) if n < 8 else None,
                         answer="yes" if n == 8 else ("ack" if n == 9 else "")))
    out = tmp_path / "league"
    build_site(store.config, out, full=True, search=False, today=TODAY, progress=False)
    html = (out / "representatives/index.html").read_text(encoding="utf-8")
    row = re.search(r"<tr><td>Ann Other MP</td>(.*?)</tr>", html).group(1)
    assert re.findall(r">([^<]+)</td>", row) == ["12", "9", "75% (47%–91%)", "4.5"]
    assert html.index("Ann Other MP") < html.index("Jo Bloggs MP")  # enough data: listed first
    assert "95% Wilson score interval" in html
    for canary in PRIVATE:
        assert canary not in html
