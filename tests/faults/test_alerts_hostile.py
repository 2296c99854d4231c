"""Hostile mail to the alerts' addresses: a subscribe flood, forged and automatic confirmations,
words that try to inject links, markup or headers into a confirmation."""
from __future__ import annotations

import smtplib

import pytest

from store.states import AlertState
from tests.alerts.conftest import READER, alerts_of, mail, send, subscribe_address


@pytest.fixture
def following(service):
    from tests.reports.conftest import with_the_sample

    return with_the_sample(service)


def test_a_subscribe_flood_makes_one_confirmation_and_a_bounded_number_of_alerts(following, relay):
    service = following
    for number in range(30):
        send(service, mail(f"follow search word{number}"), READER, subscribe_address(service))
    # one mail an hour to an address that has not shown it reads its mail (MAILGATE_STRANGER_MAILS_PER_HOUR)
    assert len(relay.to(READER)) == 1
    # and nothing is stored for the mails nobody could confirm
    assert len(alerts_of(service)) == 1


def test_a_victim_flooded_by_a_forger_over_hours_holds_at_most_ten_unconfirmed_alerts(following, relay):
    from datetime import timedelta

    service = following
    for number in range(14):
        send(service, mail(f"follow search word{number}"), READER, subscribe_address(service))
        service.clock.advance(timedelta(hours=1, minutes=1))
    assert len(alerts_of(service)) == 10 and len(relay.to(READER)) == 10


def test_a_forged_or_automatic_confirmation_confirms_nothing(following, relay):
    service = following
    send(service, mail("follow authority borsetshire-council"), READER, subscribe_address(service))
    [alert] = alerts_of(service)
    real = relay.to(READER)[0].message["Reply-To"]
    guessed = real.replace(real.split("-")[2].split("@")[0], "aaaaaaaaaa")
    with pytest.raises(smtplib.SMTPRecipientsRefused):  # a guessed token is refused at RCPT
        service.send(mail("yes", to=guessed), READER, [guessed])
    # an auto-responder answering the confirmation does not confirm it
    send(service, mail("Out of office", "I am away", to=real, headers={"Auto-Submitted": "auto-replied"}),
         READER, real)
    assert [a.state for a in alerts_of(service)] == [AlertState.PENDING]


@pytest.mark.parametrize("words", ["<a href=http://evil.example>x</a>", "win http://evil.example now",
                                   "one two three four five six", "a;b", "bcc: x@evil.example"])
def test_injected_search_words_are_refused_and_never_repeated(following, relay, words):
    service = following
    send(service, mail(f"follow search {words}"), READER, subscribe_address(service))
    assert alerts_of(service) == []
    [answer] = relay.to(READER)
    assert "evil" not in answer.raw.decode() and "x@" not in answer.raw.decode()
    assert "letters and digits only" in answer.text or "at most 5 words" in answer.text


def test_a_link_scanner_following_the_unsubscribe_url_unsubscribes_nobody(make_settings, backend, relay):
    """Mail filters fetch every link of a mail (GET, HEAD): only the one-click POST stops alerts."""
    import urllib.request
    from datetime import timedelta

    from mailgate.runtime.embedded import BackgroundService
    from processors.alerts.digests import send_digests
    from tests.alerts.conftest import COUNTY, a_request, digests_to, follow, reply
    from tests.reports.conftest import with_the_sample

    service = BackgroundService(make_settings(relay=relay.address, site_url="https://foi.test/", **backend))
    service.start(archive=True)
    try:
        with_the_sample(service)
        budget = a_request(service, "borsetshire-council", "Gritting budget")
        follow(service, relay, "authority borsetshire-council")
        service.clock.advance(timedelta(minutes=1))
        reply(service, budget, COUNTY, "The answer.")
        send_digests(service.context, "daily")
        service.wait_idle()
        [digest] = digests_to(relay)
        url = str(digest.message["List-Unsubscribe"]).split(",")[0].strip(" <>")
        local = url.replace("https://foi.test/", service.service.archive_url)
        for method in ("GET", "HEAD", "GET"):
            try:
                urllib.request.urlopen(urllib.request.Request(local, method=method), timeout=10).read()
            except urllib.error.HTTPError:
                pass  # HEAD is not an endpoint: a 404, and still nothing changes
        assert {a.state for a in alerts_of(service)} == {AlertState.ACTIVE}
        # a POST with a body much larger than one-click's is answered without reading it all
        big = urllib.request.Request(local, data=b"x" * 64_000, method="POST")
        assert urllib.request.urlopen(big, timeout=10).status == 200
        assert {a.state for a in alerts_of(service)} == {AlertState.STOPPED}
    finally:
        service.stop()
