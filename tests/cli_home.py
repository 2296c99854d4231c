"""The `mailgate` command run in-process on a real SQLite store in a temporary home (as an operator
runs it), and the samples it imports. The `mailgate` and `sample` fixtures (tests/conftest.py) use it."""
from __future__ import annotations

import os
from pathlib import Path

import alembic  # noqa: F401  (loaded: each command then migrates in-process, not in a new interpreter)
import sqlalchemy as sa
from click.testing import CliRunner, Result
from sqlmodel import Session

from mailgate.cli import cli
from tests.harness import SAMPLE_AUTHORITIES  # noqa: F401  (one home; the tests import it from here too)

SAMPLES = Path(__file__).resolve().parent.parent / "mailgate" / "data"
SAMPLE_BODIES = SAMPLES / "sample_places.geojson"
SAMPLE_CONTACTS = SAMPLES / "sample_contacts.csv"


class Mailgate:
    def __init__(self, home: Path):
        self.home = home
        self.env = {k: None for k in os.environ if k.startswith("MAILGATE_")}
        self.env |= {"MAILGATE_HOME": str(home), "MAILGATE_DOMAIN": "foi.test"}

    def __call__(self, *args: str | Path, expect: int = 0) -> Result:
        result = CliRunner().invoke(cli, [str(a) for a in args], env=self.env, prog_name="mailgate")
        assert result.exit_code == expect, f"exit {result.exit_code}: {result.output}"
        if expect == 0:
            assert result.exception is None
        return result

    def session(self) -> Session:
        return Session(sa.create_engine(f"sqlite:///{self.home / 'mailgate.db'}"))
