"""docs/deploy.md's backup and restore, run as written (SQLite and PostgreSQL): what comes back is the store
and the home.

The site secret matters as much as the database: without it no address mailgate ever
sent (thread replies, bounces) would be recognised again.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_ADMIN_URL
from tests.deploy.docblocks import run_block
from tests.harness import SAMPLE_AUTHORITIES

BIN = Path(sys.executable).parent  # `mailgate` as installed


def mailgate(home: Path, *args: str, database_url: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")} | {"MAILGATE_HOME": str(home)}
    if database_url:
        env["MAILGATE_DATABASE_URL"] = database_url
    done = subprocess.run([str(BIN / "mailgate"), *args], env=env, cwd=home.parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def counterparts(url: str) -> list[tuple[str, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text("SELECT slug, email FROM counterpart ORDER BY slug"))]
    finally:
        engine.dispose()


def require(program: str, package: str) -> None:
    if shutil.which(program) is None:
        if os.environ.get("CI"):
            pytest.fail(f"the {program} command is missing (Debian package {package})")
        pytest.skip(f"the {program} command is not installed (Debian package {package})")


def fill(home: Path, database_url: str = "") -> None:
    """A store with data in it, and a home with a file the store refers to."""
    mailgate(home, "db", "upgrade", database_url=database_url)
    mailgate(home, "import", "authorities", str(SAMPLE_AUTHORITIES), database_url=database_url)
    (home / "blobs").mkdir(exist_ok=True)
    (home / "blobs" / "kept-file").write_bytes(b"an attachment's bytes")


def assert_home_back(home: Path, secret: bytes) -> None:
    assert (home / "secret").read_bytes() == secret
    assert (home / "blobs" / "kept-file").read_bytes() == b"an attachment's bytes"


def test_the_documented_sqlite_backup_restores_the_store_and_the_home(tmp_path):
    require("sqlite3", "sqlite3")
    home, backups = tmp_path / "home", tmp_path / "backups"
    fill(home)
    url = f"sqlite:///{home / 'mailgate.db'}"
    before, secret = counterparts(url), (home / "secret").read_bytes()
    assert len(before) > 3

    variables = {"MAILGATE_HOME": str(home), "BACKUP_DIR": str(backups)}
    run_block("backup", **variables)
    shutil.rmtree(home)  # the machine is lost
    run_block("restore", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", **variables)  # its db upgrade opens it

    assert counterparts(url) == before
    assert_home_back(home, secret)


def test_the_documented_postgresql_backup_restores_into_an_empty_database(tmp_path, postgres_url):
    require("pg_dump", "postgresql-client")
    require("pg_restore", "postgresql-client")
    home, backups = tmp_path / "home", tmp_path / "backups"
    fill(home, postgres_url)
    before, secret = counterparts(postgres_url), (home / "secret").read_bytes()
    assert len(before) > 3
    libpq_url = postgres_url.replace("postgresql+psycopg://", "postgresql://")

    run_block("pg-backup", MAILGATE_HOME=str(home), BACKUP_DIR=str(backups), MAILGATE_DATABASE_URL=libpq_url)
    shutil.rmtree(home)
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")  # the database is lost: an empty one
    database = postgres_url.rsplit("/", 1)[1]
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{database}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    finally:
        admin.dispose()
    run_block("pg-restore", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", MAILGATE_HOME=str(home),
              BACKUP_DIR=str(backups), MAILGATE_DATABASE_URL=libpq_url)

    assert counterparts(postgres_url) == before
    assert_home_back(home, secret)
