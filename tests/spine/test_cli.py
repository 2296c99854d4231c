"""The real `mailgate` command, run as an operator would, including what it says when input is wrong."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA

SAMPLE = DATA.parent.parent / "mailgate" / "data" / "sample_authorities.csv"


@pytest.fixture
def cli(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")}
    environment |= {"MAILGATE_HOME": str(tmp_path / "home"), "MAILGATE_DOMAIN": "foi.test"}

    def run(*args: str, expect: int = 0, **extra: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "mailgate", *args], env=environment | extra,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == expect, f"exit {result.returncode}: {result.stdout}{result.stderr}"
        assert "Traceback" not in result.stderr
        return result
    run("db", "upgrade")  # only serve, `db upgrade` and demo create a store (tests/newcomer/test_store.py)
    return run


def test_config_prints_settings_with_the_secret_masked(cli, tmp_path):
    out = cli("config", MAILGATE_SECRET="hunter2-very-secret",
              MAILGATE_DATABASE_URL="postgresql://mg:pa55word@db.example/mailgate").stdout
    assert "MAILGATE_DOMAIN=foi.test" in out and "MAILGATE_SECRET=********" in out
    assert "hunter2" not in out and "pa55word" not in out
    assert "MAILGATE_DATABASE_URL=postgresql://mg:********@db.example/mailgate" in out


def test_a_bad_setting_stops_start_up_naming_the_variable(cli):
    err = cli("serve", expect=1, MAILGATE_SMTP="localhost").stderr
    assert "MAILGATE_SMTP must be HOST:PORT" in err
    err = cli("config", expect=1, MAILGATE_MAX_MESSAGE_SIZE="lots").stderr
    assert "MAILGATE_MAX_MESSAGE_SIZE" in err
    err = cli("config", expect=1, MAILGATE_BROKER_URL="amqp://x").stderr
    assert "MAILGATE_BROKER_URL must be empty (in-process) or redis://" in err
    err = cli("config", expect=1, MAILGATE_DKIM_KEY="/no/such/key.pem").stderr
    assert "MAILGATE_DKIM_KEY: cannot read /no/such/key.pem" in err


def test_the_secret_is_generated_once_and_kept(cli, tmp_path):
    cli("config")
    secret = (tmp_path / "home" / "secret").read_text()
    cli("config")
    assert (tmp_path / "home" / "secret").read_text() == secret and len(secret.strip()) >= 32


def test_routes_explains_an_address(cli):
    out = cli("routes", "--test", "foi-borsetshire-council@foi.test").stdout
    assert "route: new_foi" in out and "authority = borsetshire-council" in out
    out = cli("routes", "--test", "request-12-abcdefghjk@foi.test").stdout
    assert "route: thread_authority" in out and "thread_id = 12" in out and "NOT valid" in out
    assert "no mailbox called 'whatever'" in cli("routes", "--test", "whatever@foi.test", expect=1).stdout
    assert "no relaying" in cli("routes", "--test", "x@elsewhere.example", expect=1).stdout


def test_import_foi_new_status_and_holding_pen(cli, tmp_path):
    assert "5 created" in cli("import", "authorities", str(SAMPLE)).stdout
    assert "5 unchanged" in cli("import", "authorities", str(SAMPLE)).stdout
    body = tmp_path / "body.txt"
    body.write_text("How many potholes were reported in 2025?\n")
    created = json.loads(cli("foi", "new", "--authority", "borsetshire-council", "--name", "Jo", "--email",
                             "jo@citizen.example", "--title", "Potholes", "--body-file", str(body), "--json").stdout)
    assert created["id"] == 1 and created["url"] == "thread/1/"
    assert created["reply_address"].startswith("request-1-") and created["reply_address"].endswith("@foi.test")
    routed = cli("routes", "--test", created["reply_address"]).stdout
    assert "token: valid" in routed
    status = json.loads(cli("status", "--json").stdout)
    assert status["outbox"]["sent"] == 2  # the request, and the citizen's "it has been sent"
    assert set(status["inbound"]) == {"received", "processing", "done", "held", "failed"}
    sent = list((tmp_path / "home" / "outbox" / "new").iterdir())
    assert len(sent) == 2  # no relay configured: delivered into the Maildir
    assert json.loads(cli("holding-pen", "list", "--json").stdout) == []
    assert "no held message 7" in cli("holding-pen", "assign", "7", "1", expect=1).stderr


def test_import_errors_name_the_file_and_line(cli, tmp_path):
    bad = tmp_path / "authorities.csv"
    bad.write_text("slug,name,email\ngood-one,Good,foi@good.example\nBad Slug,Bad,foi@bad.example\n")
    err = cli("import", "authorities", str(bad), expect=1).stderr
    assert f"{bad}:3: slug 'Bad Slug'" in err
    bad.write_text("slug,name\nx,y\n")
    assert f"{bad}:1: header must include slug,name,email" in cli("import", "authorities", str(bad), expect=1).stderr
    bad.write_text("slug,name,email\na,A,not-an-address\n")
    assert "'not-an-address' is not an email address" in cli("import", "authorities", str(bad), expect=1).stderr


def test_foi_new_with_an_unknown_authority_says_what_to_do(cli, tmp_path):
    cli("import", "authorities", str(SAMPLE))
    body = tmp_path / "b.txt"
    body.write_text("text")
    err = cli("foi", "new", "--authority", "borsetshire", "--name", "Jo", "--email", "jo@x.example",
              "--title", "T", "--body-file", str(body), expect=1).stderr
    assert "no authority with slug 'borsetshire'" in err and "borsetshire-council" in err


def test_inbound_retry_of_something_not_failed_is_a_clear_error(cli, tmp_path):
    from sqlmodel import Session

    from store.db import make_engine
    from store.migrate import upgrade
    from store.models import InboundMessage

    url = f"sqlite:///{tmp_path / 'home' / 'mailgate.db'}"
    (tmp_path / "home").mkdir(exist_ok=True)
    upgrade(url)
    with Session(make_engine(url)) as session:
        session.add(InboundMessage(raw=b"Subject: hi\r\n\r\nhi\r\n", state="done"))
        session.commit()
    assert "inbound 1 is not failed or held" in cli("inbound", "retry", "1", expect=1).stderr


def test_flanker_imports_silently_and_writes_nothing(tmp_path):
    import flanker

    package = Path(flanker.__file__).parent
    before = sorted(p.name for p in package.rglob("*parsetab*"))
    result = subprocess.run([sys.executable, "-c", "import processors.understanding; "
                             "from processors.understanding.flanker_quiet import address; print(address.parse('a@b.example'))"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "a@b.example\n" and result.stderr == ""
    assert sorted(p.name for p in package.rglob("*parsetab*")) == before


def test_the_demo_tells_the_whole_conversation_and_a_problem_report(cli, tmp_path):
    out = cli("demo", "--home", str(tmp_path / "demo")).stdout
    for step in ("mailgate answers Jo: 'Please confirm", "the authority receives 'Freedom of Information request",
                 "[phone number]", "Jo is told: 'New response", "In-Reply-To <", "request state: successful",
                 "still lands in request 1", "a new answer after Jo's classification reopens it",
                 "held: mail to the general address", "550 5.1.1 request 1",
                 "Sent to:   Borchester City Council", "report state: fixed", "report state: open (reopened",
                 "mailgate answers: 'Please confirm your letter to Alys Prydderch",
                 "From: Ffion Jones <letter-", "Ffion is told privately: 'Reply from Alys Prydderch"):
        assert step in out, step


def test_limits_and_loop_release_commands(cli):
    # What they do is in tests/faults/test_loops.py; here, that they run and say what they did.
    assert "nothing counted" in cli("limits", "list").stdout
    assert "cleared 0 counted mails of jo@citizen.example" in cli("limits", "reset", "jo@citizen.example").stdout
    assert "there is no thread 1" in cli("holding-pen", "release-loop", "1", expect=1).stderr
