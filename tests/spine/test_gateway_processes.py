"""`mailgate serve` with several gateway processes: lean, supervised, and never orphaned."""
from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.harness import free_port
from tests.spine.test_serve import environment, mailgate, wait_for_port

# What a gateway process must not load: each would cost every gateway several MB.
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "pydantic_settings", "alembic", "jinja2", "flanker", "bs4",
         "dramatiq", "processors", "multiprocessing", "psycopg")


def test_a_gateway_process_loads_no_orm_settings_machinery_or_processors():
    probe = ("import sys, mailgate.runtime.gateway_process; "
             f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def gateway_pids(serve_pid: int) -> list[int]:
    """Live gateway processes of a serve (a replacement is the child of the thread that started it)."""
    children = [pid for task in Path(f"/proc/{serve_pid}/task").iterdir()
                for pid in (task / "children").read_text().split()]
    return sorted(int(pid) for pid in children if alive(int(pid))
                  and b"mailgate.runtime.gateway_process" in Path(f"/proc/{pid}/cmdline").read_bytes())


def wait_for(condition, timeout: float = 30, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def send_one(port: int, subject: str) -> bytes:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo()
        client.mail("clerk@ambridge-parish.example")
        client.rcpt("foi@foi.test")
        code, text = client.data(f"Subject: {subject}\r\n\r\nHello.\r\n".encode())
    assert code == 250, text
    return text


@pytest.fixture
def serve_two_gateways(tmp_path):
    port = free_port()
    env = environment(tmp_path, MAILGATE_SMTP=f"127.0.0.1:{port}", MAILGATE_GATEWAY_PROCESSES="2")
    server = subprocess.Popen([sys.executable, "-m", "mailgate", "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for_port(port)
    yield server, port, env
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def test_a_crashed_gateway_process_is_replaced_and_mail_keeps_flowing(serve_two_gateways):
    server, port, env = serve_two_gateways
    first = wait_for(lambda: len(gateway_pids(server.pid)) == 2 and gateway_pids(server.pid), what="2 gateways")
    os.kill(first[0], signal.SIGKILL)
    replaced = wait_for(lambda: (pids := gateway_pids(server.pid)) and len(pids) == 2 and first[0] not in pids
                        and pids, what="a replacement gateway")
    assert first[1] in replaced  # the other one was left alone
    for n in range(10):  # the kernel spreads connections over both; every one is answered
        assert b"stored as" in send_one(port, f"after the crash {n}")
    inbound = lambda: json.loads(mailgate(env, "status", "--json").stdout)["inbound"]  # noqa: E731
    wait_for(lambda: inbound()["received"] + inbound()["processing"] == 0, what="processing")
    assert sum(inbound().values()) == 10 and inbound()["failed"] == 0


def test_gateway_processes_leave_when_serve_is_killed(serve_two_gateways):
    server, port, _ = serve_two_gateways
    gateways = wait_for(lambda: len(gateway_pids(server.pid)) == 2 and gateway_pids(server.pid), what="2 gateways")
    server.kill()  # SIGKILL to serve alone, not its group: its gateways see their stdin close
    server.wait(timeout=10)
    wait_for(lambda: not any(alive(pid) for pid in gateways), timeout=40, what="the gateways to exit")
    with pytest.raises(OSError):
        smtplib.SMTP("127.0.0.1", port, timeout=2)


def test_serve_says_why_it_cannot_migrate_the_store(tmp_path):
    env = environment(tmp_path, MAILGATE_DATABASE_URL=f"sqlite:///{tmp_path}/no/such/folder/mailgate.db",
                      MAILGATE_SMTP=f"127.0.0.1:{free_port()}")
    result = subprocess.run([sys.executable, "-m", "mailgate", "serve"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert "cannot migrate the store" in result.stderr and "unable to open database file" in result.stderr
    assert "Traceback" not in result.stderr
