"""The `mailgate` command on a real SQLite store (tests/cli_home.py), with the sample MPs."""
from __future__ import annotations

import pytest

from tests.cli_home import SAMPLES, Mailgate

SAMPLE_REPRESENTATIVES = SAMPLES / "sample_representatives.json"


@pytest.fixture
def members(mailgate: Mailgate) -> Mailgate:
    """A store with the sample representatives imported."""
    mailgate("import", "representatives", SAMPLE_REPRESENTATIVES)
    return mailgate


@pytest.fixture
def mps(service):
    """The live service (tests/conftest.py) with the sample representatives imported."""
    from sqlmodel import Session

    from processors.letters.import_representatives import import_representatives

    with Session(service.context.engine) as session:
        import_representatives(session, SAMPLE_REPRESENTATIVES)
        session.commit()
    return service


@pytest.fixture
def mps_with(make_settings, backend, relay):
    """A live service with settings overrides and the sample representatives: `mps_with(letters_...=2)`."""
    from sqlmodel import Session

    from processors.letters.import_representatives import import_representatives
    from tests.harness import LiveService

    started = []

    def start(**overrides):
        live = LiveService(make_settings(relay=relay.address, **backend, **overrides)).start()
        started.append(live)
        with Session(live.context.engine) as session:
            import_representatives(session, SAMPLE_REPRESENTATIVES)
            session.commit()
        return live
    yield start
    for live in started:
        live.stop()
