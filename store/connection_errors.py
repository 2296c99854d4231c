"""Say in a sentence why the store cannot be reached, naming the setting to fix.

SQLAlchemy's OperationalError carries the driver's message and a link to SQLAlchemy's
site; an operator needs the setting (MAILGATE_DATABASE_URL), where it points (password
masked) and which of the usual things went wrong.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

from store.hostport import masked_url

SETTING = "MAILGATE_DATABASE_URL"
# The driver's words (psycopg, libpq, sqlite3) for the failures an operator can fix, and what to say.
_CAUSES = (
    (re.compile(r"connection refused|could not connect|connection to server .* failed: No such file", re.I),
     "connection refused (is the database server running and listening there?)"),
    (re.compile(r"password authentication failed|authentication failed|no password supplied", re.I),
     "authentication failed (check the user name and password in the URL)"),
    (re.compile(r'database "(?P<name>[^"]+)" does not exist', re.I), "no such database {name!r} (create it first)"),
    (re.compile(r"could not translate host name|Name or service not known|nodename nor servname", re.I),
     "unknown host name"),
    (re.compile(r"unable to open database file", re.I), "cannot open the SQLite file (does its folder exist?)"),
)


def unreachable_store(exc: BaseException, url: str) -> str | None:
    """A sentence for a connection failure, or None when `exc` is something else.

    >>> error = sa.exc.OperationalError("connect", {}, Exception('connection to server at "127.0.0.1", port 1 '
    ...                                  'failed: Connection refused'))
    >>> print(unreachable_store(error, "postgresql://mg:secret@127.0.0.1:1/mg"))  # doctest: +ELLIPSIS
    cannot reach the store at MAILGATE_DATABASE_URL=postgresql://mg:********@127.0.0.1:1/mg: connection refused (...
    """
    if not isinstance(exc, sa.exc.OperationalError):
        return None
    said = str(exc.orig)
    for pattern, cause in _CAUSES:
        found = pattern.search(said)
        if found:
            return f"cannot reach the store at {SETTING}={masked_url(url)}: {cause.format(**found.groupdict())}"
    return None


class StoreUnreachable(Exception):
    """The store cannot be reached; the message names the setting and what failed."""


def check_reachable(url: str) -> None:
    """Connect once to a database server, and say why not in a sentence. (A SQLite file is
    opened, not reached: its own errors say which file.)"""
    if url.startswith("sqlite"):
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        raise StoreUnreachable(unreachable_store(exc, url) or f"cannot reach the store at {SETTING}="
                               f"{masked_url(url)}: {str(exc.orig).splitlines()[0]}") from None
    finally:
        engine.dispose()
