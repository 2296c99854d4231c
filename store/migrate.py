"""Schema migrations with Alembic: `mailgate db upgrade` and the automatic upgrade in `serve`."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def make_revision(url: str, message: str) -> None:
    """For developers: autogenerate a migration from changed models."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
