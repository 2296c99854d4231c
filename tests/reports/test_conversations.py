"""The report conversations besides the happy path: a real GB postcode routed by the shipped data
(two tiers, decided by category), the missing place asked for and given, WRONG PLACE, an unknown
postcode area, a Northern Ireland postcode, a point outside every body, three unanswered rounds,
a draft left for 14 days, a place no body takes reports for, and a council's auto-reply."""
from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from mailgate.gateway.recipients import CACHE_SECONDS
from processors.places.import_bodies import import_bodies
from processors.reports.questionnaire import expire_unanswered_drafts
from store.models import HeldMessage
from store.report_states import ReportState
from tests.harness import LiveService
from tests.reports.conftest import messages, report_mail, reports, send, thread_of, with_the_sample

COUNTY_POTHOLES = "highways@borsetshire.gov.example"
BORCHESTER_FLY_TIPPING = "envcrime@borchester.gov.example"


@pytest.fixture
def live(make_settings, relay):
    service = with_the_sample(LiveService(make_settings(relay=relay.address)).start())
    yield service
    service.stop()


def report(live, relay, sender: str, subject: str, body: str):
    """Mail report@ as `sender`; returns the one answer."""
    address = f"report@{live.settings.domain}"
    send(live, report_mail(subject, body, sender=sender, to=address), sender, address)
    [answer] = relay.to(sender)
    return answer


def reply(live, relay, sender: str, to_mail, body: str):
    address = to_mail.message["Reply-To"] or to_mail.message["From"].addresses[0].addr_spec
    time.sleep(CACHE_SECONDS)  # RCPT may trust what it read of the thread (a draft a moment ago) this long
    before = len(relay.to(sender))
    send(live, report_mail("Re: " + to_mail.message["Subject"], body, sender=sender, to=address), sender, address)
    return relay.to(sender)[before:]


def confirm(live, relay, sender: str, confirmation):
    reply(live, relay, sender, confirmation, "Yes, send it.")


def test_a_gb_postcode_two_tiers_decided_by_category(live, relay):
    # CB1 5RE is in Cambridge (E07000008): Borchester (district) and Borsetshire (county) both claim it.
    pothole = report(live, relay, "a@citizen.example", "Pothole on Mill Road", "A deep pothole outside CB1 5RE.")
    assert "Borsetshire County Council" in pothole.text and "Borchester" not in pothole.text.split("Sent to:")[1]
    assert "postcode CB1 5RE, in Cambridge" in pothole.text
    confirm(live, relay, "a@citizen.example", pothole)
    [sent] = relay.to(COUNTY_POTHOLES)
    assert "https://www.openstreetmap.org/search?query=CB1+5RE" in sent.text
    assert relay.to(BORCHESTER_FLY_TIPPING) == []

    tipping = report(live, relay, "b@citizen.example", "Sofa left in the lane", "Flytipping near CB1 5RE")
    assert "Sent to:   Borchester City Council" in tipping.text
    confirm(live, relay, "b@citizen.example", tipping)
    assert len(relay.to(BORCHESTER_FLY_TIPPING)) == 1 and len(relay.to(COUNTY_POTHOLES)) == 1


def test_the_missing_place_is_asked_for_then_wrong_place_corrects_it(live, relay):
    sender = "c@citizen.example"
    question = report(live, relay, sender, "Graffiti on the footbridge", "Someone sprayed graffiti on it.")
    assert "could not tell where the problem is" in question.text
    [thread] = reports(live)
    assert thread.state == ReportState.DRAFT and relay.to(BORCHESTER_FLY_TIPPING) == []
    # The answer comes back to the thread's reply address: not a stranger any more, so the
    # confirmation follows at once (the gate allows one mail an hour to a stranger).
    [confirmation] = reply(live, relay, sender, question, "It is by CB3 0DU.\n\n-- \nC.")
    assert "Borchester City Council" in confirmation.text and "postcode CB3 0DU" in confirmation.text
    [again] = reply(live, relay, sender, confirmation, "WRONG PLACE SG8 0NJ")
    assert "Felpersham District Council" in again.text and "postcode SG8 0NJ" in again.text
    confirm(live, relay, sender, again)
    [sent] = relay.to("streetscene@felpersham.gov.example")
    assert "Someone sprayed graffiti on it." in sent.text
    assert thread_of(live, thread.id)[0].state == ReportState.OPEN


def test_an_unclear_category_is_asked_for_with_the_choices_of_the_place(live, relay):
    sender = "k@citizen.example"
    question = report(live, relay, sender, "Broken thing", "Something broken at 52.05,-1.95.")
    assert "\n- Fly-tipping\n- Graffiti\n- Potholes\n- Street lights\n" in question.text.replace("\r\n", "\n")
    [confirmation] = reply(live, relay, sender, question, "Graffiti")
    assert "Category:  Graffiti" in confirmation.text and "Sent to:   Borchester City Council" in confirmation.text


@pytest.mark.parametrize(("written", "said"), [
    ("Postcode: ZZ1 1ZZ", "I couldn't find the postcode ZZ1 1ZZ: there is no postcode area 'ZZ'"),
    ("Postcode: www.spam.example", "I couldn't find that postcode: a postcode looks like SW1A 1AA"),
    ("Postcode: BT1 1AA", "the Office for National Statistics allows those for statistics only"),
    ("At 51.50100,-0.14200 exactly.", "outside every area"),
])
def test_a_place_that_cannot_be_used_is_asked_for_again(live, relay, written, said):
    question = report(live, relay, "d@citizen.example", "Pothole", f"A pothole.\n{written}")
    assert said in " ".join(question.text.split())
    [thread] = reports(live)
    assert thread.state == ReportState.DRAFT and thread_of(live, thread.id)[1].lat is None


def test_three_rounds_then_held_and_fourteen_days_then_expired(live, relay):
    sender = "e@citizen.example"
    question = report(live, relay, sender, "Something is wrong", "Please fix it.")
    for _ in range(2):
        [question] = reply(live, relay, sender, question, "Somewhere near the church.")
        assert "could not tell where" in question.text
    [last] = reply(live, relay, sender, question, "I told you, near the church.")
    assert "an operator of mailgate will look at it" in " ".join(last.text.split())
    [thread] = reports(live)
    assert thread.state == ReportState.HELD
    with Session(live.context.engine) as session:
        [held] = session.exec(select(HeldMessage)).all()
        assert "still missing its location after 3 questions" in held.reason

    quiet = "f@citizen.example"
    report(live, relay, quiet, "Leaning lamp post", "It leans.")
    live.clock.advance(timedelta(days=13))
    assert expire_unanswered_drafts(live.context) == 0
    live.clock.advance(timedelta(days=2))
    assert expire_unanswered_drafts(live.context) == 1
    live.wait_idle()
    assert "was not sent" in relay.to(quiet)[-1].message["Subject"]
    assert reports(live)[-1].state == ReportState.EXPIRED


def nowhere_body(live, tmp_path) -> None:
    """A body (the sample's parish council) with an area but no contacts: it takes no reports."""
    nowhere = tmp_path / "nowhere.geojson"
    nowhere.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"slug": "ambridge-parish", "name": "Ambridge Parish Council"},
        "geometry": {"type": "Polygon", "coordinates": [[[-1.5, 52.5], [-1.4, 52.5], [-1.4, 52.6],
                                                         [-1.5, 52.6], [-1.5, 52.5]]]}}]}))
    with Session(live.context.engine) as session:
        import_bodies(session, nowhere)
        session.commit()


def test_a_place_whose_bodies_take_no_reports_is_answered_at_once(live, relay, tmp_path):
    nowhere_body(live, tmp_path)
    answer = report(live, relay, "g@citizen.example", "Broken bench", "At 52.55000,-1.45000 on the green.")
    assert "Ambridge Parish Council" in answer.text and "none of them takes problem reports" in answer.text
    assert reports(live)[0].state == ReportState.EXPIRED


def test_a_place_whose_bodies_take_no_reports_given_in_a_reply_is_answered_too(live, relay, tmp_path):
    nowhere_body(live, tmp_path)
    question = report(live, relay, "m@citizen.example", "Broken bench", "On the green.")
    [answer] = reply(live, relay, "m@citizen.example", question, "52.55,-1.45")
    assert "none of them takes problem reports" in answer.text and reports(live)[0].state == ReportState.EXPIRED


def test_a_council_auto_reply_changes_nothing(live, relay):
    sender = "h@citizen.example"
    confirm(live, relay, sender, report(live, relay, sender, "Pothole", "A pothole at 52.05,-1.95"))
    [sent] = relay.to(COUNTY_POTHOLES)
    address = sent.message["From"].addresses[0].addr_spec
    told_before = len(relay.to(sender))
    send(live, report_mail("Automatic reply: Problem report", "I am out of the office until Monday.\nStatus: fixed",
                           sender=COUNTY_POTHOLES, to=address,
                           headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"}), COUNTY_POTHOLES, address)
    [thread] = reports(live)
    assert thread_of(live, thread.id)[0].state == ReportState.OPEN
    assert messages(live, thread.id)[-1].kind == "auto_reply"  # shown, marked
    assert len(relay.to(sender)) == told_before  # and the reporter is not told


def test_a_bounce_of_the_report_tells_the_reporter_and_the_operator(live, relay):
    from tests.conftest import DATA
    from tests.harness import fill_template

    sender = "i@citizen.example"
    confirm(live, relay, sender, report(live, relay, sender, "Pothole", "A pothole at 52.05,-1.95"))
    [sent] = relay.to(COUNTY_POTHOLES)
    bounce = fill_template(DATA / "spine" / "postfix_bounce.eml", VERP=sent.mail_from,
                           MESSAGE_ID=sent.message["Message-ID"])
    live.send(bounce, "", [sent.mail_from])
    live.wait_idle()
    [told] = [m for m in relay.to(sender) if "could not be delivered" in m.message["Subject"]]
    [thread] = reports(live)
    assert thread_of(live, thread.id)[0].state == ReportState.OPEN  # a bounce changes no state
    assert messages(live, thread.id)[-1].kind == "bounce"
    with Session(live.context.engine) as session:
        [held] = session.exec(select(HeldMessage)).all()
        assert f"report {thread.id}: its mail to <{COUNTY_POTHOLES}> bounced" in held.reason


def test_a_closed_report_gets_no_questionnaire(live, relay):
    from processors.reports.questionnaire import send_questionnaires

    sender = "j@citizen.example"
    question = report(live, relay, sender, "Pothole", "A pothole.")
    [confirmation] = reply(live, relay, sender, question, "Sorry: 52.05,-1.95\n\n> " + question.text.replace("\n", "\n> "))
    confirm(live, relay, sender, confirmation)
    [sent] = relay.to(COUNTY_POTHOLES)
    address = sent.message["From"].addresses[0].addr_spec
    send(live, report_mail("Re: Pothole", "Already reported as number 4411.\nStatus: duplicate",
                           sender=COUNTY_POTHOLES, to=address), COUNTY_POTHOLES, address)
    [thread] = reports(live)
    assert thread_of(live, thread.id)[0].state == ReportState.DUPLICATE
    live.clock.advance(timedelta(days=60))
    assert send_questionnaires(live.context) == 0


def test_two_bodies_that_take_the_category_each_get_it_from_an_address_of_their_own(live, relay, tmp_path):
    from processors.places.import_contacts import import_contacts
    from store.models import ThreadCounterpart
    from tests.reports.conftest import SAMPLES

    both = tmp_path / "contacts.csv"
    both.write_text((SAMPLES / "sample_contacts.csv").read_text()
                    + "borsetshire-council,Fly-tipping,flytip@borsetshire.gov.example,dumped\n")
    with Session(live.context.engine) as session:
        import_contacts(session, both)
        session.commit()
    sender = "l@citizen.example"
    confirmation = report(live, relay, sender, "Sofa dumped", "A sofa dumped at 52.05,-1.95.")
    assert "Sent to:   Borchester City Council, Borsetshire County Council" in confirmation.text
    confirm(live, relay, sender, confirmation)
    [district] = relay.to(BORCHESTER_FLY_TIPPING)
    [county] = relay.to("flytip@borsetshire.gov.example")
    district_address, county_address = (m.message["From"].addresses[0].addr_spec for m in (district, county))
    assert district_address != county_address and district_address.startswith("report-")
    [thread] = reports(live)
    with Session(live.context.engine) as session:
        assert len(session.exec(select(ThreadCounterpart).where(ThreadCounterpart.thread_id == thread.id)).all()) == 1

    # The district writes at the county's address: its Status line is not the county's to give.
    send(live, report_mail("Re: Sofa", "Status: fixed", sender=BORCHESTER_FLY_TIPPING, to=county_address),
         BORCHESTER_FLY_TIPPING, county_address)
    assert thread_of(live, thread.id)[0].state == ReportState.OPEN
    send(live, report_mail("Re: Sofa", "Our crew is on it.\nStatus: in progress", sender="flytip@borsetshire.gov.example",
                           to=county_address), "flytip@borsetshire.gov.example", county_address)
    assert thread_of(live, thread.id)[0].state == ReportState.IN_PROGRESS
