"""thread.updated_at moves whenever something the archive shows about a thread changes."""
from __future__ import annotations

import time
from datetime import datetime

from sqlmodel import Session

from store.db import make_engine
from store.migrate import upgrade
from store.models import Attachment, Thread, ThreadMessage


def changed_at(engine, thread_id: int) -> datetime:
    with Session(engine) as session:
        return session.get(Thread, thread_id).updated_at


def test_editing_a_thread_a_message_or_a_file_bumps_the_thread(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        thread, other = Thread(title="Verges"), Thread(title="Potholes")
        session.add_all([thread, other])
        session.flush()
        message = ThreadMessage(thread_id=thread.id, direction="incoming", kind="reply", public_body="Twice.")
        session.add(message)
        session.flush()
        attachment = Attachment(message_id=message.id, filename="a.pdf", content_type="application/pdf",
                                size=1, sha256="0" * 64)
        session.add(attachment)
        session.commit()
    untouched = changed_at(engine, other.id)
    for change in (lambda s: setattr(s.get(ThreadMessage, message.id), "hidden", True),
                   lambda s: setattr(s.get(Attachment, attachment.id), "released", False),
                   lambda s: setattr(s.get(Thread, thread.id), "state", "successful")):
        before = changed_at(engine, thread.id)
        time.sleep(0.01)
        with Session(engine) as session:
            change(session)
            session.commit()
        assert changed_at(engine, thread.id) > before
    assert changed_at(engine, other.id) == untouched
