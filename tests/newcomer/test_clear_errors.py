"""A newcomer's mistakes get a sentence that says what to fix (issue 11, first slice).

An unreachable database printed SQLAlchemy's exception with a link to SQLAlchemy's site;
`mailgate inbound retry 999` said "not failed or held" for a message that does not exist.
"""
from __future__ import annotations

import pytest

from tests.harness import free_port
from tests.spine.test_cli import cli  # noqa: F401  (the fixture)


def test_a_refused_database_connection_names_the_setting(cli):  # noqa: F811
    url = f"postgresql://mailgate@127.0.0.1:{free_port()}/mailgate"
    err = cli("status", expect=1, MAILGATE_DATABASE_URL=url).stderr
    assert "MAILGATE_DATABASE_URL" in err and "refused" in err and f"127.0.0.1:{url.split(':')[2]}" in err
    assert "sqlalche.me" not in err and "OperationalError" not in err


def test_a_database_that_does_not_exist_is_named(cli, postgres_url):  # noqa: F811
    url = postgres_url.rsplit("/", 1)[0] + "/no_such_database_for_mailgate"
    err = cli("status", expect=1, MAILGATE_DATABASE_URL=url).stderr
    assert "MAILGATE_DATABASE_URL" in err and "no such database" in err and "no_such_database_for_mailgate" in err
    assert "sqlalche.me" not in err


def test_retrying_a_message_that_does_not_exist_says_so(cli):  # noqa: F811
    err = cli("inbound", "retry", "999", expect=1).stderr
    assert "there is no inbound message 999" in err


def test_an_import_names_every_bad_line_at_once(tmp_path):
    from store.authorities import ImportError_, read_rows

    bad = tmp_path / "authorities.csv"
    bad.write_text("slug,name,email\nBad Slug,Bad,foi@bad.example\ngood,Good,foi@good.example\n"
                   "nameless,,foi@n.example\nx,X,not-an-address\ngood,Again,foi@again.example\n")
    with pytest.raises(ImportError_) as raised:
        read_rows(bad)
    said = str(raised.value)
    for line, words in ((2, "slug 'Bad Slug'"), (4, "authority 'nameless' has no name"),
                        (5, "'not-an-address' is not an email address"), (6, "slug 'good' already used on line 3")):
        assert f"{bad}:{line}: {words}" in said
