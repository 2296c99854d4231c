"""Writers to one SQLite file take turns: the second waits for the first's commit, then goes at once."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from store.db import make_engine


def test_a_second_writer_waits_for_the_first_commit_and_readers_never_wait(tmp_path):
    url = f"sqlite:///{tmp_path / 'turns.db'}"
    first, second = make_engine(url), make_engine(url, durable_commits=False)
    with first.begin() as connection:
        connection.execute(sa.text("CREATE TABLE note (text TEXT)"))
    order: list[str] = []
    second_started = threading.Event()

    def second_writer():
        second_started.set()
        with second.begin() as connection:
            connection.execute(sa.text("INSERT INTO note VALUES ('second')"))
            order.append("second wrote")

    with first.begin() as connection:
        connection.execute(sa.text("INSERT INTO note VALUES ('first')"))
        writer = threading.Thread(target=second_writer)
        writer.start()
        second_started.wait(5)
        writer.join(0.3)
        assert writer.is_alive()  # waiting for its turn, not failing with "database is locked"
        with second.connect() as reader:  # reads take no turn
            assert reader.execute(sa.text("SELECT count(*) FROM note")).scalar() == 0
        order.append("first committing")
    writer.join(10)
    assert not writer.is_alive() and order == ["first committing", "second wrote"]
    with first.connect() as connection:
        assert [r[0] for r in connection.execute(sa.text("SELECT text FROM note ORDER BY rowid"))] == ["first", "second"]
