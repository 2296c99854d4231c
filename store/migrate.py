"""Schema migrations with Alembic: `mailgate db upgrade` and the automatic upgrade in `serve`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: see upgrade_in_a_process_of_its_own
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate in this process; a store that cannot be reached raises StoreUnreachable, whose
    message names the setting and what failed (store/connection_errors.py)."""
    from alembic import command

    from store.connection_errors import check_reachable

    check_reachable(url)
    command.upgrade(alembic_config(url), revision)


class MigrationError(Exception):
    """The store could not be migrated; the message says why."""


def upgrade_in_a_process_of_its_own(url: str) -> None:
    from store.connection_errors import check_reachable

    check_reachable(url)  # here, so that the sentence is raised where the command can say it
    """`upgrade` in a short-lived interpreter, for `serve`: a long-running process then
    never holds alembic and mako (about 10 MB) for a job done once at start."""
    done = subprocess.run([sys.executable, "-m", "store.migrate"], input=url, text=True, capture_output=True)
    if done.returncode:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise MigrationError(f"cannot migrate the store {url.split('@')[-1]}: {lines[-1]}")


def upgrade_to_head(url: str) -> None:
    """`upgrade`, in a process of its own unless alembic is loaded here already (a test run,
    `mailgate db upgrade`), where the reason for the extra process does not apply. A store that
    cannot be reached raises StoreUnreachable with a sentence naming the setting."""
    if "alembic" in sys.modules:
        upgrade(url)
    else:
        upgrade_in_a_process_of_its_own(url)


def make_revision(url: str, message: str) -> None:
    """For developers: autogenerate a migration from changed models."""
    from alembic import command

    command.revision(alembic_config(url), message=message, autogenerate=True)


if __name__ == "__main__":  # the URL on stdin, not in argv, where `ps` would show its password
    import signal

    # Ctrl-C in serve's terminal reaches this child too: let the migration finish (a second or so),
    # and serve, which got the same SIGINT, stop after it, rather than report a store that "cannot
    # be migrated".
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        upgrade(sys.stdin.read().strip())
    except Exception as exc:  # one line for the operator; serve shows it
        sys.exit(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
