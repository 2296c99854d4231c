"""A problem report by email, end to end over SMTP on both backends: a photo's EXIF GPS position →
confirmation by reply → sent to the right one of two neighbouring councils → the council's
`Status: fixed` → state and public update → the questionnaire answered NOT FIXED, then FIXED."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from mailgate.runtime.configs import archive_config
from processors.reports.questionnaire import send_questionnaires
from store.report_states import ReportState
from tests.reports.conftest import REPORTER, changes, messages, photo_at, report_mail, reports, send, thread_of
from web_archive.build import build_site

BORCHESTER_FLY_TIPPING = "envcrime@borchester.gov.example"
FELPERSHAM_FLY_TIPPING = "waste@felpersham.gov.example"


def test_a_report_with_a_photo_from_start_to_fixed(reporting, relay, tmp_path):
    service, domain = reporting, reporting.settings.domain
    # 1. A photo taken in Borchester (52.05 N, 1.95 W), a few words, no place written at all.
    send(service, report_mail("Mattress dumped by the bus shelter", "Someone has dumped a mattress and bags of "
                              "rubbish.\n\n-- \nRobin\n07700 900123", photos=[photo_at(52.05, -1.95)],
                              to=f"report@{domain}"), REPORTER, f"report@{domain}")
    [confirmation] = relay.to(REPORTER)
    assert relay.to(BORCHESTER_FLY_TIPPING) == []  # nothing is sent before the reporter confirms
    text = confirmation.text
    assert "Borchester City Council" in text and "Felpersham" not in text
    assert "52.05000,-1.95000 (from photo)" in text and "Fly-tipping" in text
    assert "WRONG PLACE" in text
    confirm_address = confirmation.message["Reply-To"]
    [thread] = reports(service)
    assert (thread.state, thread.public) == (ReportState.AWAITING_CONFIRMATION, False)

    # 2. Confirmed by reply: sent to Borchester's fly-tipping address only, from the report's address.
    send(service, report_mail("Re: Please confirm", "Yes please.", to=confirm_address), REPORTER, confirm_address)
    assert relay.to(FELPERSHAM_FLY_TIPPING) == []
    [sent] = relay.to(BORCHESTER_FLY_TIPPING)
    sender = sent.message["From"].addresses[0]
    assert sender.display_name == "Robin Reporter"
    assert sender.addr_spec.startswith("report-") and sender.addr_spec.endswith("@" + domain)
    assert REPORTER not in sent.raw.decode("utf-8", "replace")  # the reporter's address is never shown
    body = sent.text
    assert "Someone has dumped a mattress" in body and "Category:  Fly-tipping" in body
    assert "https://www.openstreetmap.org/?mlat=52.05000&mlon=-1.95000" in body
    assert f"https://foi.test/thread/{thread.id}/" in body and "replies are published" in body
    [photo] = [part for part in sent.message.iter_attachments()]
    assert photo.get_content_type() == "image/jpeg" and photo.get_content() == photo_at(52.05, -1.95)
    thread, report = thread_of(service, thread.id)
    assert (thread.state, thread.public, report.category) == (ReportState.OPEN, True, "Fly-tipping")
    [request] = [m for m in messages(service, thread.id) if not m.hidden]
    assert "Robin" not in request.public_body and "07700" not in request.public_body  # signature folded away

    # 3. The council replies with a status: a public update, the state, and the reporter is told.
    report_address = sender.addr_spec
    send(service, report_mail("Re: Problem report", "We have cleared it today.\n\nStatus: fixed",
                              sender=BORCHESTER_FLY_TIPPING, name="Street Scene", to=report_address,
                              headers={"In-Reply-To": sent.message["Message-ID"]}),
         BORCHESTER_FLY_TIPPING, report_address)
    update = messages(service, thread.id)[-1]
    assert (update.kind, update.public_body.strip()) == ("update", "We have cleared it today.\n\nStatus: fixed")
    assert thread_of(service, thread.id)[0].state == ReportState.FIXED
    told = [m for m in relay.to(REPORTER) if "Update on your problem report" in m.message["Subject"]]
    assert len(told) == 1 and "We have cleared it today" in told[0].text

    # 4. Four weeks on, the questionnaire; NOT FIXED reopens, a reply quoting only the question changes
    # nothing, FIXED fixes it again, each change recorded with its source.
    assert send_questionnaires(service.context) == 0  # not yet
    service.clock.advance(timedelta(days=29))
    assert send_questionnaires(service.context) == 1
    service.wait_idle()
    assert send_questionnaires(service.context) == 0  # once
    [question] = [m for m in relay.to(REPORTER) if "Has your problem been fixed" in m.message["Subject"]]
    reply_address = question.message["From"].addresses[0].addr_spec
    quoted = "\n".join("> " + line for line in question.text.splitlines())

    def answer(text: str) -> None:
        send(service, report_mail("Re: Has your problem been fixed?", f"{text}\n\nOn Monday, mailgate wrote:\n{quoted}",
                                  to=reply_address), REPORTER, reply_address)

    answer("Not fixed, the mattress is back. Fixed? No.")
    assert thread_of(service, thread.id)[0].state == ReportState.OPEN
    answer("")
    assert thread_of(service, thread.id)[0].state == ReportState.OPEN
    answer("FIXED at last")
    assert thread_of(service, thread.id)[0].state == ReportState.FIXED
    assert changes(service, thread.id) == [("awaiting_confirmation", "reporter"), ("open", "reporter"),
                                           ("fixed", "council"), ("open", "questionnaire"),
                                           ("fixed", "questionnaire")]
    public = [m for m in messages(service, thread.id) if not m.hidden]
    assert all("Robin" not in (m.from_name + m.public_body) for m in public)

    # 5. The archive as built today shows the report as sent and its updates: nothing of the reporter (name,
    # address, signature) and nothing of the photo as received (its bytes, its EXIF camera make).
    site = tmp_path / "site"
    build_site(archive_config(service.settings), site, search=False)
    published = b"".join(path.read_bytes() for path in site.rglob("*") if path.is_file())
    assert b"Mattress dumped by the bus shelter" in published
    for private in (b"Robin", REPORTER.encode(), b"07700", b"mailgate-test-camera", photo_at(52.05, -1.95)[:64]):
        assert private not in published, private
    # its page: the place and its map link, the state and its history from sending on, the photo re-encoded
    page = (site / f"thread/{thread.id}/index.html").read_text()
    assert "52.05000, -1.95000" in page and "https://www.openstreetmap.org/?mlat=52.05000&amp;mlon=-1.95000" in page
    assert "Fixed since" in page and "reporter&#39;s answer to" in page
    assert re.findall(r'<td><span class="state state-(\w+)"', page) == [
        "open", "fixed", "open", "fixed"]
    assert len(list((site / f"thread/{thread.id}/photos").glob("*-page.jpg"))) == 1
    [request] = json.loads((site / "api/open311/requests.json").read_text())
    assert (request["status"], request["lat"], request["long"]) == ("closed", 52.05, -1.95)
    assert request["service_name"] == "Fly-tipping" and request["agency_responsible"] == "Borchester City Council"
    assert request["media_url"].endswith(".jpg") and request["description"].startswith("Someone has dumped a mattress")
