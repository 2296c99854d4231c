"""Each command names the store it uses, and only `serve`, `db upgrade` and `demo` create one (issue 11):
a command run outside the checkout made a new, empty store and reported zeros."""
from __future__ import annotations

import pytest

from tests.harness import free_port

SAMPLE = __import__("tests.harness", fromlist=["SAMPLE_AUTHORITIES"]).SAMPLE_AUTHORITIES



@pytest.mark.parametrize("command", [("status",), ("inbound", "failed"), ("holding-pen", "list"),
                                     ("import", "authorities", str(SAMPLE)), ("archive", "build", "site")])
def test_a_command_finding_no_store_says_where_it_looked_and_creates_nothing(mailgate_in, tmp_path, command):
    err = mailgate_in(tmp_path, *command, expect=1).stderr
    assert f"no store at sqlite:///{tmp_path / 'var' / 'mailgate.db'}" in err
    assert "MAILGATE_HOME" in err and f"mailgate.toml in {tmp_path} or above" in err
    assert "mailgate db upgrade" in err
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_creates_the_store_and_names_it(mailgate_in, tmp_path):
    err = mailgate_in(tmp_path, "db", "upgrade").stderr
    assert f"mailgate: store sqlite:///{tmp_path / 'var' / 'mailgate.db'} (home {tmp_path / 'var'}" in err
    assert (tmp_path / "var" / "secret").is_file()
    result = mailgate_in(tmp_path, "status")
    assert f"mailgate: store sqlite:///{tmp_path / 'var' / 'mailgate.db'}" in result.stderr
    assert "inbound  received 0" in result.stdout


def test_config_creates_nothing(mailgate_in, tmp_path):
    mailgate_in(tmp_path, "config")
    mailgate_in(tmp_path, "routes", "--test", "foi-borsetshire-council@mailgate.localhost")
    assert list(tmp_path.iterdir()) == []


def test_the_store_line_hides_the_password(mailgate_in, tmp_path):
    url = f"postgresql://mg:pa55word@127.0.0.1:{free_port()}/mailgate"
    err = mailgate_in(tmp_path, "status", expect=1, MAILGATE_DATABASE_URL=url).stderr
    assert f"mailgate: store postgresql://mg:********@127.0.0.1:{url.split(':')[3]}" in err
    assert "pa55word" not in err and "refused" in err


def test_a_postgresql_database_without_mailgate_tables_is_no_store(mailgate_in, tmp_path, postgres_url):
    url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    err = mailgate_in(tmp_path, "status", expect=1, MAILGATE_DATABASE_URL=url).stderr
    assert f"no store at {url}" in err and "no mailgate tables" in err and "mailgate db upgrade" in err
    mailgate_in(tmp_path, "db", "upgrade", MAILGATE_DATABASE_URL=url)
    assert "outbox   pending 0" in mailgate_in(tmp_path, "status", MAILGATE_DATABASE_URL=url).stdout


def test_a_worker_finding_no_store_says_so_and_creates_nothing(mailgate_in, tmp_path):
    err = mailgate_in(tmp_path, "worker", expect=1, MAILGATE_BROKER_URL="redis://127.0.0.1:1/0").stderr
    assert f"no store at sqlite:///{tmp_path / 'var' / 'mailgate.db'}" in err and "mailgate db upgrade" in err
    assert list(tmp_path.iterdir()) == []
