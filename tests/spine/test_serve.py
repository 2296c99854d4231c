"""The real `mailgate serve` and `mailgate worker` processes: clean shutdown and scale-out."""
from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
import time

import pytest

from tests.harness import SAMPLE_AUTHORITIES, free_port


def environment(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")}
    # The archive is kept built and served as by default, on a port of its own (8000 may be taken).
    return env | {"MAILGATE_HOME": str(tmp_path / "home"), "MAILGATE_DOMAIN": "foi.test",
                  "MAILGATE_SWEEP_INTERVAL": "1", "MAILGATE_HTTP": "127.0.0.1:0"} | extra


def mailgate(env, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "mailgate", *args], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=2).quit()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listening on {port}")


def test_sigterm_lets_an_smtp_transaction_in_progress_finish(tmp_path):
    port = free_port()
    env = environment(tmp_path, MAILGATE_SMTP=f"127.0.0.1:{port}")
    server = subprocess.Popen([sys.executable, "-m", "mailgate", "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port)
        client = smtplib.SMTP("127.0.0.1", port, timeout=30)
        client.ehlo()
        client.mail("clerk@ambridge-parish.example")
        client.rcpt("foi@foi.test")
        server.send_signal(signal.SIGTERM)  # mid-transaction
        time.sleep(0.5)
        code, text = client.data(b"Subject: late answer\r\n\r\nStill delivered.\r\n")
        assert code == 250 and b"stored as" in text
        client.quit()
        assert server.wait(timeout=60) == 0
        with pytest.raises(OSError):
            smtplib.SMTP("127.0.0.1", port, timeout=2)
    finally:
        if server.poll() is None:
            server.kill()
    status = json.loads(mailgate(env, "status", "--json").stdout)
    assert sum(status["inbound"].values()) == 1  # kept; a restart processes it if it was not finished


@pytest.mark.postgres_redis
def test_a_separate_worker_process_sends_what_the_cli_queued(tmp_path, postgres_url, redis_url, broker_namespace):
    env = environment(tmp_path, MAILGATE_DATABASE_URL=postgres_url, MAILGATE_BROKER_URL=redis_url,
                      MAILGATE_BROKER_NAMESPACE=broker_namespace)
    mailgate(env, "db", "upgrade")  # only serve, `db upgrade` and demo create a store
    mailgate(env, "import", "authorities", str(SAMPLE_AUTHORITIES))
    body = tmp_path / "body.txt"
    body.write_text("How often are the verges cut?\n")
    mailgate(env, "foi", "new", "--authority", "ambridge-parish", "--name", "Sam", "--email", "sam@citizen.example",
             "--title", "Verges", "--body-file", str(body))
    assert json.loads(mailgate(env, "status", "--json").stdout)["outbox"]["pending"] == 2  # queued in Redis
    worker = subprocess.Popen([sys.executable, "-m", "mailgate", "worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if json.loads(mailgate(env, "status", "--json").stdout)["outbox"]["sent"] == 2:
                break
            time.sleep(0.5)
        assert json.loads(mailgate(env, "status", "--json").stdout)["outbox"]["sent"] == 2
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert len(list((tmp_path / "home" / "outbox" / "new").iterdir())) == 2


def test_worker_without_a_shared_broker_says_what_to_set(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mailgate", "worker"], env=environment(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "MAILGATE_BROKER_URL=redis://" in result.stderr
