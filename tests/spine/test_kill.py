"""kill -9 in the middle of 1,000 messages: every message that got a 250 survives and is processed exactly once.

The real `mailgate serve` runs as a subprocess in its own process group. Several
smtplib sessions send 1,000 distinct replies to one thread; when about 400 have
been acknowledged the whole group gets SIGKILL. After a restart the senders send
again what never got a 250 (as a real MTA would), and once the backlog is empty
the store is asked, in SQL, whether anything acknowledged went missing or was
processed twice.
"""
from __future__ import annotations

import json
import os
import queue
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.harness import free_port

pytestmark = pytest.mark.slow

MAILGATE = Path(sys.executable).parent / "mailgate"
AUTHORITIES = Path(__file__).resolve().parents[2] / "mailgate" / "data" / "sample_authorities.csv"
MESSAGES = 1_000
KILL_AT = 400  # acknowledgements
SESSIONS = 8
DRAIN_SECONDS = 120


# -- the backends (fresh PostgreSQL database and Redis db: tests/conftest.py) ------------------------


@pytest.fixture(params=[
    pytest.param(("embedded", 1), id="sqlite-inprocess"),
    pytest.param(("embedded", 2), id="sqlite-inprocess-2-gateways"),
    pytest.param(("postgres_redis", 2), id="postgres-redis-2-gateways", marks=pytest.mark.postgres_redis),
])
def environment(request, tmp_path) -> dict[str, str]:
    backend, gateways = request.param
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")}
    env.update(MAILGATE_HOME=str(tmp_path / "home"), MAILGATE_SWEEP_INTERVAL="1",
               MAILGATE_GATEWAY_PROCESSES=str(gateways), MAILGATE_SMTP=f"127.0.0.1:{free_port()}",
               # A thousand replies in one thread within minutes is what the loop breaker holds
               # (tests/faults/test_loops.py); here every one of them must go through.
               MAILGATE_LOOP_FORWARDS_PER_HOUR="1000000", MAILGATE_LOOP_SIMILARITY="1",
               # The archive builder is not what this test kills (tests/newcomer/test_watchable_serve.py does).
               MAILGATE_HTTP="off")
    if backend == "postgres_redis":
        env.update(MAILGATE_DATABASE_URL=request.getfixturevalue("postgres_url"),
                   MAILGATE_BROKER_URL=request.getfixturevalue("redis_url"),
                   MAILGATE_BROKER_NAMESPACE=request.getfixturevalue("broker_namespace"))
    return env


# -- the service and its senders ----------------------------------------------------------------------


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(MAILGATE), *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"mailgate {' '.join(args)}: {done.stderr}"
    return done.stdout


class Serve:
    """`mailgate serve` in its own process group, so that SIGKILL takes every gateway process too."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.port = int(env["MAILGATE_SMTP"].rpartition(":")[2])
        with open(log, "ab") as out:
            self.process = subprocess.Popen([str(MAILGATE), "serve"], env=env, stdout=out, stderr=out,
                                            start_new_session=True)
        self._wait_for_banner()

    def _wait_for_banner(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve exited:\n{self.log.read_text()[-3000:]}"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
                    if sock.recv(100).startswith(b"220"):
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"no SMTP banner on port {self.port}:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        _wait_until_group_gone(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _wait_until_group_gone(pgid: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process group {pgid} survived SIGKILL")


@dataclass
class Senders:
    """SESSIONS smtplib clients sharing one queue of (marker, message); a session ends at its first error."""

    port: int
    recipient: str
    acknowledged: set[str] = field(default_factory=set)
    refused: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, messages: dict[str, bytes], *, until: threading.Event | None = None) -> None:
        todo: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
        for item in messages.items():
            todo.put(item)
        threads = [threading.Thread(target=self._session, args=(todo, until), daemon=True) for _ in range(SESSIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    def _session(self, todo: queue.SimpleQueue, until: threading.Event | None) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
                while until is None or not until.is_set():
                    try:
                        marker, message = todo.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        client.sendmail("records@borsetshire.gov.uk", [self.recipient], message)
                    except smtplib.SMTPResponseException as exc:  # an answer, but not 250
                        with self.lock:
                            self.refused[marker] = f"{exc.smtp_code} {exc.smtp_error!r}"
                        client.rset()
                        continue
                    with self.lock:
                        self.acknowledged.add(marker)
        except (smtplib.SMTPException, OSError):
            pass  # the server was killed under us: whatever did not get its 250 is sent again later


def reply(recipient: str, marker: str, n: int) -> bytes:
    return (f"From: Records Officer <records@borsetshire.gov.uk>\r\n"
            f"To: <{recipient}>\r\n"
            f"Subject: RE: Road maintenance budget (part {n})\r\n"
            f"Message-ID: <{marker}@mail.borsetshire.gov.uk>\r\n"
            f"Date: Mon, 03 Jun 2024 10:15:00 +0100\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n"
            f"\r\n"
            f"Dear Ann,\r\n\r\nPart {n} of our answer is below; our reference is {marker}.\r\n\r\n"
            f"The road maintenance budget line {n} was spent on resurfacing.\r\n\r\n"
            f"Records Officer\r\n").encode()


def wait_until_processed(env: dict[str, str]) -> dict[str, int]:
    deadline = time.monotonic() + DRAIN_SECONDS
    while True:
        inbound = json.loads(cli(env, "status", "--json"))["inbound"]
        if inbound["received"] + inbound["processing"] == 0:
            return inbound
        assert time.monotonic() < deadline, f"backlog not processed after {DRAIN_SECONDS} s: {inbound}"
        time.sleep(1)


def store_engine(env: dict[str, str]) -> sa.Engine:
    url = env.get("MAILGATE_DATABASE_URL") or f"sqlite:///{Path(env['MAILGATE_HOME']) / 'mailgate.db'}"
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


# -- the test --------------------------------------------------------------------------------------------


def test_kill_9_loses_nothing_that_got_a_250_and_processes_it_exactly_once(environment, tmp_path):
    env = environment
    home = Path(env["MAILGATE_HOME"])
    home.mkdir(parents=True)
    cli(env, "db", "upgrade")  # only serve, `db upgrade` and demo create a store
    cli(env, "import", "authorities", str(AUTHORITIES))
    (home / "request.txt").write_text("Please send me the road maintenance budget for 2023/24.\n")
    thread = json.loads(cli(env, "foi", "new", "--authority", "borsetshire-council", "--name", "Ann Example",
                            "--email", "ann@citizen.example", "--title", "Road maintenance budget",
                            "--body-file", str(home / "request.txt"), "--json"))
    recipient = thread["reply_address"]
    messages = {f"kill-{uuid.uuid4().hex}": None for _ in range(MESSAGES)}
    messages = {marker: reply(recipient, marker, n) for n, marker in enumerate(messages, 1)}

    # A thousand messages, and SIGKILL for the whole process group at about 400 acknowledgements.
    serve = Serve(env, tmp_path / "serve.log")
    senders = Senders(serve.port, recipient)
    killed = threading.Event()

    def killer() -> None:
        while len(senders.acknowledged) < KILL_AT and not killed.is_set():
            time.sleep(0.001)
        serve.kill()
        killed.set()

    kill_thread = threading.Thread(target=killer, daemon=True)
    kill_thread.start()
    try:
        senders.send(messages)
    finally:
        killed.set()  # in case the senders ran out first
        kill_thread.join(timeout=20)
    before_kill = set(senders.acknowledged)
    assert not senders.refused, f"refused before the kill: {list(senders.refused.items())[:3]}"
    assert KILL_AT <= len(before_kill) < MESSAGES, f"{len(before_kill)} acknowledged before the kill"

    # Restart; send again everything that never got its 250, as the sending MTAs would.
    serve = Serve(env, tmp_path / "serve.log")
    try:
        unacknowledged = {marker: raw for marker, raw in messages.items() if marker not in before_kill}
        senders.port = serve.port
        senders.send(unacknowledged)
        assert not senders.refused, f"refused after the restart: {list(senders.refused.items())[:3]}"
        assert senders.acknowledged == set(messages), f"{MESSAGES - len(senders.acknowledged)} never got a 250"
        status = wait_until_processed(env)
    finally:
        serve.stop()
    assert status["failed"] == 0 and status["held"] == 0, status

    engine = store_engine(env)
    try:
        with engine.connect() as connection:
            inbound = connection.execute(sa.text("SELECT id, state, raw FROM inbound_message")).all()
            recorded = connection.execute(sa.text(
                "SELECT inbound_id, body_text FROM thread_message WHERE inbound_id IS NOT NULL")).all()
    finally:
        engine.dispose()

    copies: dict[str, list[int]] = {marker: [] for marker in messages}
    for row in inbound:
        marker = bytes(row.raw).split(b"our reference is ", 1)[1].split(b".", 1)[0].decode()
        copies[marker].append(row.id)
    per_inbound: dict[int, list[str]] = {}
    for row in recorded:
        per_inbound.setdefault(row.inbound_id, []).append(row.body_text)

    # Every acknowledged message is in the store: once if it got its 250 before the kill.
    assert not [m for m in before_kill if len(copies[m]) != 1], "acknowledged before the kill, not stored once"
    # One that was stored but killed before its 250 reached the sender was sent again:
    # two copies then, as with any SMTP sender that never saw the 250 (RFC 5321 §6.1).
    assert all(1 <= len(ids) <= 2 for ids in copies.values())
    # Every stored message is done, and every message is in its thread exactly once: a
    # resent copy (same Message-ID, same text) is kept in the store but not shown twice.
    assert {row.state for row in inbound} == {"done"}
    assert not [i for i, bodies in per_inbound.items() if len(bodies) != 1], "an inbound message recorded twice"
    for marker, ids in copies.items():
        shown = [i for i in ids if i in per_inbound]
        assert len(shown) == 1, f"{marker}: in the thread {len(shown)} times"
        assert marker in per_inbound[shown[0]][0]
    resent_twice = sum(1 for ids in copies.values() if len(ids) == 2)
    print(f"\n{len(before_kill)} acknowledged before the kill, {MESSAGES - len(before_kill)} sent again, "
          f"{resent_twice} of them stored twice (stored but killed before the 250), each shown once")
