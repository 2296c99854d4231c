"""Shared fixtures: settings per backend, a live service, a relay that catches outbound mail.

Two backends run the same end-to-end tests: `embedded` (SQLite file, in-process
broker) and `postgres_redis` (a fresh PostgreSQL database and a Redis database).
The second is required in CI (CI=true): missing services fail the run there,
and are skipped on a laptop without them.
"""
from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from mailgate.runtime.settings import load_settings
from tests.cli_home import SAMPLE_BODIES, SAMPLE_CONTACTS, Mailgate
from tests.harness import SAMPLE_AUTHORITIES, LiveService, RelayCatcher

DATA = Path(__file__).parent / "data"
POSTGRES_ADMIN_URL = os.environ.get("MAILGATE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MAILGATE_TEST_REDIS", "redis://127.0.0.1:6379/14")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if os.environ.get("CI"):
        pytest.fail(message + " (required in CI: .ci/run starts it)")
    pytest.skip(message)


@pytest.fixture
def postgres_url():
    require_service("PostgreSQL", "127.0.0.1", 5432)
    name = f"mailgate_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def redis_url():
    require_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL


@pytest.fixture
def broker_namespace(redis_url):
    """A Redis key prefix of this test's own, removed afterwards. (Flushing a shared
    database instead would wipe the queues of another test run on the same machine.)"""
    import redis

    namespace = f"mailgate-test-{uuid.uuid4().hex[:12]}"
    yield namespace
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{namespace}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["embedded", pytest.param("postgres_redis", marks=pytest.mark.postgres_redis)])
def backend(request, tmp_path):
    """Settings overrides for the store and broker under test."""
    if request.param == "embedded":
        return {}
    return {"database_url": request.getfixturevalue("postgres_url"),
            "broker_url": request.getfixturevalue("redis_url"),
            "broker_namespace": request.getfixturevalue("broker_namespace")}


@pytest.fixture
def relay():
    catcher = RelayCatcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture
def make_settings(tmp_path, monkeypatch):
    for variable in [v for v in os.environ if v.startswith("MAILGATE_")]:
        monkeypatch.delenv(variable)

    def make(**overrides):
        # The periodic jobs (sweeper, reminders, ageing) run at start and then hourly: a test
        # that wants them calls them, on a clock it has moved.
        values = {"home": tmp_path / "home", "domain": "foi.test", "secret": "test-secret",
                  "site_url": "https://foi.test/", "sweep_interval": 3600.0, "worker_threads": 2} | overrides
        return load_settings(**values)
    return make


@pytest.fixture
def service(make_settings, backend, relay):
    live = LiveService(make_settings(relay=relay.address, **backend)).start()
    yield live
    live.stop()


@pytest.fixture
def mailgate(tmp_path) -> Mailgate:
    """The `mailgate` command in a temporary home with a new, empty store."""
    command = Mailgate(tmp_path / "home")
    command("db", "upgrade")  # only serve, demo and db upgrade create a store
    return command


@pytest.fixture
def sample(mailgate) -> Mailgate:
    """A store with the sample authorities, the fictional councils and their contacts."""
    mailgate("import", "authorities", SAMPLE_AUTHORITIES)
    mailgate("import", "bodies", SAMPLE_BODIES)
    mailgate("import", "contacts", SAMPLE_CONTACTS)
    return mailgate
