"""Test helpers: the embedded service and mail catcher under their test names, and .eml templates."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

from mailgate.runtime.embedded import BackgroundService as LiveService
from mailgate.runtime.embedded import MailCatcher as RelayCatcher
from mailgate.runtime.embedded import free_port

__all__ = ["LiveService", "RelayCatcher", "free_port", "fill_template", "set_date", "module_service"]


def fill_template(path: Path, **values: str) -> bytes:
    """A real .eml from tests/data with {{NAME}} placeholders filled (addresses and ids of this run).

    `{{DATE}}`, where a fixture's sender dated its mail, is now unless given: a fixture never
    carries a date that the calendar will pass.
    """
    raw = path.read_bytes()
    values.setdefault("DATE", format_datetime(datetime.now(timezone.utc)))
    for name, value in values.items():
        raw = raw.replace(b"{{" + name.encode() + b"}}", value.encode())
    return re.sub(rb"(?<!\r)\n", b"\r\n", raw)  # on the wire, as a mail client sends it


def set_date(raw: bytes, when: datetime | None) -> bytes:
    """The message with its `Date:` header set to `when` (a sender's clock), or removed (None)."""
    head, blank, body = raw.partition(b"\r\n\r\n")
    head = re.sub(rb"(?im)^Date:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*(?:\r\n|\Z)", b"", head)
    if when is not None:
        head = b"Date: " + format_datetime(when).encode() + b"\r\n" + head
    return head + blank + body


@contextmanager
def module_service(folder: Path, lmtp: bool = False, policy: bool = False, **settings):
    """One embedded service for a whole test module (the front door's tests share it), with a relay,
    on settings of its own: the machine's MAILGATE_* variables are not read."""
    import os

    import pytest

    from mailgate.runtime.settings import load_settings

    relay = RelayCatcher().start()
    with pytest.MonkeyPatch.context() as environment:
        for variable in [v for v in os.environ if v.startswith("MAILGATE_")]:
            environment.delenv(variable)
        loaded = load_settings(home=folder, domain="foi.test", secret="test-secret", sweep_interval=3600.0,
                               worker_threads=2, relay=relay.address, **settings)
    service = LiveService(loaded).start(lmtp=lmtp, policy=policy)
    try:
        yield service
    finally:
        service.stop()
        relay.stop()


SAMPLE_AUTHORITIES = Path(__file__).resolve().parent.parent / "mailgate" / "data" / "sample_authorities.csv"


def import_sample_authorities(service: LiveService) -> None:
    from sqlmodel import Session

    from store.authorities import import_authorities

    with Session(service.context.engine) as session:
        import_authorities(session, SAMPLE_AUTHORITIES)
        session.commit()


def make_request(service: LiveService, *, name: str = "Sam", email: str = "sam@citizen.example",
                 body: str = "How often?", **changes):
    """A confirmed request to Ambridge Parish Council, already handed to the workers; returns the Thread."""
    from sqlmodel import Session

    from processors.foi.requests import create_confirmed

    import_sample_authorities(service)
    with Session(service.context.engine, expire_on_commit=False) as session:
        thread = create_confirmed(session, service.context, authority_slug="ambridge-parish", name=name,
                                  email=email, title="Verge cutting", body=body)
        for key, value in changes.items():
            setattr(thread, key, value)
        session.commit()
    service.sweep()
    service.wait_idle()
    return thread
