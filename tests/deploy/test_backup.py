"""docs/deploy.md's SQLite backup and restore, run as written: what comes back is the store and the home.

The site secret matters as much as the database: without it no address mailgate ever
sent (thread replies, bounces) would be recognised again.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.docblocks import run_block
from tests.harness import SAMPLE_AUTHORITIES


def mailgate(home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")} | {"MAILGATE_HOME": str(home)}
    done = subprocess.run([str(Path(sys.executable).parent / "mailgate"), *args], env=env, cwd=home.parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def counterparts(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT slug, email FROM counterpart ORDER BY slug").fetchall()


def test_the_documented_backup_restores_the_store_and_the_home(tmp_path):
    if shutil.which("sqlite3") is None:
        if os.environ.get("CI"):
            pytest.fail("the sqlite3 command is missing (Debian package sqlite3)")
        pytest.skip("the sqlite3 command is not installed (Debian package sqlite3)")
    home, backups = tmp_path / "home", tmp_path / "backups"
    mailgate(home, "db", "upgrade")
    mailgate(home, "import", "authorities", str(SAMPLE_AUTHORITIES))
    (home / "blobs").mkdir(exist_ok=True)
    (home / "blobs" / "kept-file").write_bytes(b"an attachment's bytes")
    before, secret = counterparts(home / "mailgate.db"), (home / "secret").read_bytes()
    assert len(before) > 3

    variables = {"MAILGATE_HOME": str(home), "BACKUP_DIR": str(backups)}
    run_block("backup", **variables)
    shutil.rmtree(home)  # the machine is lost
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # `mailgate` as installed
    run_block("restore", PATH=path, **variables)  # its `mailgate db upgrade` opens the restored store

    assert counterparts(home / "mailgate.db") == before
    assert (home / "secret").read_bytes() == secret
    assert (home / "blobs" / "kept-file").read_bytes() == b"an attachment's bytes"
