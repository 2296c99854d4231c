"""`mailgate report list|show|state`: an operator sees reports and their history, and sets a state
(recorded as the operator's); a wrong id or state is named with what would work."""
from __future__ import annotations

from sqlmodel import Session

from store.models import Report, Thread
from tests.cli_home import Mailgate


def a_report(mailgate: Mailgate) -> int:
    mailgate("report", "list")  # any command migrates the store first
    with mailgate.session() as session:
        thread = Thread(kind="report", title="Leaning lamp post", state="held", citizen_email="r@citizen.example")
        session.add(thread)
        session.flush()
        session.add(Report(thread_id=thread.id, category="Street lights", postcode="CB1 5RE",
                           location_source="postcode", reporter_name="Robin"))
        session.commit()
        return thread.id


def test_an_operator_lists_shows_and_sets_a_state(mailgate):
    report_id = a_report(mailgate)
    assert "held" in mailgate("report", "list").output and "Leaning lamp post" in mailgate("report", "list").output
    assert "no problem reports in state open" in mailgate("report", "list", "--state", "open").output
    assert f"report {report_id} is now open" in mailgate("report", "state", str(report_id), "open").output
    shown = mailgate("report", "show", str(report_id)).output
    assert "postcode CB1 5RE" in shown and "Robin <r@citizen.example>" in shown
    assert shown.strip().splitlines()[-1].endswith("open                   by operator")
    with Session(mailgate.session().bind) as session:
        assert session.get(Thread, report_id).state == "open"


def test_a_wrong_id_or_state_is_named(mailgate):
    report_id = a_report(mailgate)
    assert "there is no problem report 99" in mailgate("report", "state", "99", "open", expect=1).output
    refused = mailgate("report", "state", str(report_id), "mended", expect=1).output
    assert "'mended' is not a report state" in refused and "action_scheduled" in refused
