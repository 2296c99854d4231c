"""`mailgate alerts list EMAIL | remove ID`: an operator sees one address's alerts and stops one."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from store.clock import now
from store.models import Alert, Subscriber
from tests.places.conftest import Mailgate


@pytest.fixture
def mailgate(tmp_path) -> Mailgate:
    command = Mailgate(tmp_path / "home")
    command("db", "upgrade")  # only serve, demo and db upgrade create a store
    return command


def test_an_operator_lists_and_removes_alerts(mailgate):
    with mailgate.session() as session:
        subscriber = Subscriber(email="pat@reader.example")
        session.add(subscriber)
        session.flush()
        alert = Alert(subscriber_id=subscriber.id, target="authority", value="camden", label="Camden (camden)",
                      frequency="weekly", state="active", expires_at=now() + timedelta(days=7))
        session.add(alert)
        session.commit()
        alert_id = alert.id
    listed = mailgate("alerts", "list", "Pat@Reader.example").output
    assert f"{alert_id:>6} active   weekly   authority Camden (camden)" in listed
    assert "no alerts for nobody@reader.example" in mailgate("alerts", "list", "nobody@reader.example").output
    assert f"alert {alert_id} stopped" in mailgate("alerts", "remove", str(alert_id)).output
    assert f"alert {alert_id} was already stopped" in mailgate("alerts", "remove", str(alert_id)).output
    with Session(mailgate.session().bind) as session:
        assert session.get(Alert, alert_id).state == "stopped"
    assert "there is no alert 999" in mailgate("alerts", "remove", "999", expect=1).output


def test_digest_send_runs_and_says_what_it_did(mailgate):
    with mailgate.session() as session:
        subscriber = Subscriber(email="pat@reader.example")
        session.add(subscriber)
        session.flush()
        session.add(Alert(subscriber_id=subscriber.id, target="search", value="gritting", label="gritting",
                          frequency="weekly", state="active", confirmed_at=now(), expires_at=now()))
        session.commit()
    said = mailgate("digest", "send", "--frequency", "weekly").output
    assert "weekly digests for " in said and "0 sent, 1 with nothing new, 0 sent before, of 1 subscriber(s)" in said
    assert "Invalid value" in mailgate("digest", "send", "--frequency", "hourly", expect=2).output
