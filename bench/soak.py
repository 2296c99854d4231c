"""Soak: a mixed stream at a fixed rate for a bounded time, with a kill -9 and a Redis restart in it.

    python bench/soak.py                      # 20 messages/s for 90 s
    python bench/soak.py --rate 50 --seconds 300

The real `mailgate serve` runs as a subprocess on a private Redis (started here on an
ephemeral port and restarted a third of the way through; the machine's own Redis is never
touched) and a SQLite store. The stream mixes replies from authorities, real out-of-office
answers and bounces (tests/data/realmail, with their provenance there), forged follow-ups in a
requester's name (`Received-SPF: fail`), genuine follow-ups and new requests. Two thirds of the
way through, the whole process group gets SIGKILL and is started again; the senders send
again whatever never got its 250, as an MTA would. Outbound mail goes to a catcher here.

Printed at the end: offered, accepted, processed, lost (acknowledged but not in the store,
must be 0), duplicated (one acknowledged message recorded in a thread twice, must be 0),
forged acted on (a forged follow-up that reached an authority, must be 0), the p99 time from
the store's acceptance to the end of processing (the message is in its thread), and the peak
RSS of serve's whole process tree. The exit status is 1 when a must-be-zero figure is not.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from mailgate.runtime.embedded import MailCatcher, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MAILGATE = Path(sys.executable).parent / "mailgate"
REALMAIL = ROOT / "tests" / "data" / "realmail"
AUTHORITY = "records@borsetshire.gov.uk"   # sample_authorities.csv: borsetshire-council
REQUESTER = "ann@citizen.example"
THREADS = 20
# What the stream is made of, and how often (weights).
MIX = {"reply": 45, "auto_reply": 15, "bounce": 10, "forged_follow_up": 15, "follow_up": 5, "new_request": 10}


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(MAILGATE), *args], env=env, capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise SystemExit(f"mailgate {' '.join(args)} failed: {done.stderr}")
    return done.stdout


class PrivateRedis:
    """A redis-server of our own on an ephemeral port, restartable."""

    def __init__(self, folder: Path):
        self.port, self.folder = free_port(), folder
        self.process: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class Serve:
    """`mailgate serve` in its own process group, so that SIGKILL takes every process of it."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = int(env["MAILGATE_SMTP"].rpartition(":")[2])
        with open(log, "ab") as out:
            self.process = subprocess.Popen([str(MAILGATE), "serve"], env=env, stdout=out, stderr=out,
                                            start_new_session=True)
        wait_for_port(self.port, banner=True)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)

    def rss_bytes(self) -> int:
        """Resident memory of serve and every process of its group."""
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                if os.getpgid(int(pid)) != self.process.pid:
                    continue
                with open(f"/proc/{pid}/statm") as statm:
                    total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, ProcessLookupError):
                continue
        return total


def wait_for_port(port: int, banner: bool = False, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                if not banner or sock.recv(100).startswith(b"220"):
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answered on port {port} within {seconds} s")


def real_sample(name: str, marker: str, to: str) -> bytes:
    """A real message from tests/data/realmail, addressed to `to`, carrying the marker in a header."""
    raw = (REALMAIL / name).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    raw = raw.replace(b"{{DATE}}", b"Sun, 29 Nov 2026 10:00:00 +0000")
    return f"X-Soak-Marker: {marker}\r\nX-Original-To: {to}\r\n".encode() + raw


def make_message(kind: str, marker: str, thread: dict) -> tuple[str, list[str], bytes]:
    """(envelope sender, recipients, bytes) of one message of the stream."""
    if kind == "reply":
        return AUTHORITY, [thread["reply_address"]], (
            f"From: Records <{AUTHORITY}>\r\nTo: {thread['reply_address']}\r\nSubject: RE: Road budget\r\n"
            f"Message-ID: <{marker}@borsetshire.gov.uk>\r\nX-Soak-Marker: {marker}\r\n\r\n"
            f"Part of our answer, reference {marker}.\r\n").encode()
    if kind == "auto_reply":
        return AUTHORITY, [thread["reply_address"]], real_sample("auto-exchange-oof-en.eml", marker,
                                                                 thread["reply_address"])
    if kind == "bounce":
        return "", [thread["reply_address"]], real_sample("bounce-postfix-user-unknown.eml", marker,
                                                          thread["reply_address"])
    if kind in ("forged_follow_up", "follow_up"):
        forged = "Received-SPF: fail (citizen.example: 192.0.2.66 is not permitted) client-ip=192.0.2.66\r\n"
        return REQUESTER, [thread["citizen_address"]], (
            f"{forged if kind == 'forged_follow_up' else ''}From: Ann <{REQUESTER}>\r\n"
            f"To: {thread['citizen_address']}\r\nSubject: Re: Road budget\r\n"
            f"Message-ID: <{marker}@citizen.example>\r\nX-Soak-Marker: {marker}\r\n\r\n"
            f"Please also send the 2022 figures ({kind} {marker}).\r\n").encode()
    sender = f"new-{marker[:8]}@citizen.example"
    return sender, ["foi-borsetshire-council@mailgate.localhost"], (
        f"From: <{sender}>\r\nTo: foi-borsetshire-council@mailgate.localhost\r\nSubject: Gritting routes\r\n"
        f"Message-ID: <{marker}@citizen.example>\r\nX-Soak-Marker: {marker}\r\n\r\nWhich roads are gritted?\r\n"
        ).encode()


class Stream:
    """Offer messages at a fixed rate over a few SMTP sessions; resend what got no 250."""

    def __init__(self, port: int, threads: list[dict], rate: float, seconds: float, sessions: int = 4):
        self.port, self.threads, self.rate, self.seconds, self.sessions = port, threads, rate, seconds, sessions
        self.offered: dict[str, tuple[str, str, list[str], bytes]] = {}
        self.accepted: set[str] = set()
        self.pending: list[str] = []  # offered, no 250 yet: sent again
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def produce(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        start, n = time.monotonic(), 0
        while not self.stop.is_set() and time.monotonic() - start < self.seconds:
            kind = random.choices(kinds, weights)[0]
            marker = f"soak-{uuid.uuid4().hex}"
            with self.lock:
                self.offered[marker] = (kind, *make_message(kind, marker, random.choice(self.threads)))
                self.pending.append(marker)
            n += 1
            time.sleep(max(0.0, start + n / self.rate - time.monotonic()))

    def deliver(self) -> None:
        while not self.stop.is_set():
            try:
                with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
                    while not self.stop.is_set():
                        with self.lock:
                            marker = self.pending.pop(0) if self.pending else None
                        if marker is None:
                            time.sleep(0.01)
                            continue
                        _, sender, recipients, raw = self.offered[marker]
                        try:
                            client.sendmail(sender, recipients, raw)
                        except smtplib.SMTPResponseException:
                            with self.lock:
                                self.pending.append(marker)  # 4xx (an outage): again later
                            client.rset()
                            continue
                        except (smtplib.SMTPException, OSError):
                            with self.lock:
                                self.pending.append(marker)
                            raise
                        with self.lock:
                            self.accepted.add(marker)
            except (smtplib.SMTPException, OSError):
                time.sleep(0.2)  # the server is down (killed): reconnect


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=20.0, help="messages offered per second")
    parser.add_argument("--seconds", type=float, default=90.0, help="how long the stream runs")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mailgate-soak-"))
    redis = PrivateRedis(work).start()
    catcher = MailCatcher().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")}
    env.update(MAILGATE_HOME=str(work / "home"), MAILGATE_SMTP=f"127.0.0.1:{free_port()}",
               MAILGATE_BROKER_URL=f"redis://127.0.0.1:{redis.port}/0", MAILGATE_RELAY=catcher.address,
               MAILGATE_SWEEP_INTERVAL="5", MAILGATE_HTTP="127.0.0.1:0")
    cli(env, "db", "upgrade")  # only serve, `db upgrade` and demo create a store
    cli(env, "import", "authorities", str(ROOT / "mailgate" / "data" / "sample_authorities.csv"))
    (work / "request.txt").write_text("Please send me the road maintenance budget for 2023/24.\n")
    threads = [json.loads(cli(env, "foi", "new", "--authority", "borsetshire-council", "--name", "Ann Example",
                              "--email", REQUESTER, "--title", f"Road budget {n}", "--body-file",
                              str(work / "request.txt"), "--json")) for n in range(THREADS)]
    serve = Serve(env, work / "serve.log")
    stream = Stream(serve.port, threads, args.rate, args.seconds)
    peak = [serve.rss_bytes()]
    workers = [threading.Thread(target=stream.produce, daemon=True)]
    workers += [threading.Thread(target=stream.deliver, daemon=True) for _ in range(stream.sessions)]
    for worker in workers:
        worker.start()
    started = time.monotonic()
    redis_restarted = killed = False
    while workers[0].is_alive() or stream.pending:
        peak.append(serve.rss_bytes())
        elapsed = time.monotonic() - started
        if not redis_restarted and elapsed > args.seconds / 3:
            print(f"[{elapsed:5.1f} s] restarting the private Redis", flush=True)
            redis.stop()
            redis.start()
            redis_restarted = True
        if not killed and elapsed > 2 * args.seconds / 3:
            print(f"[{elapsed:5.1f} s] kill -9 of serve's process group, then start again", flush=True)
            serve.kill()
            serve = Serve(env, work / "serve.log")
            killed = True
        if elapsed > args.seconds + 120:
            print("the stream did not drain in two minutes", flush=True)
            break
        time.sleep(0.5)
    stream.stop.set()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        inbound = json.loads(cli(env, "status", "--json"))["inbound"]
        peak.append(serve.rss_bytes())
        if inbound["received"] + inbound["processing"] == 0:
            break
        time.sleep(1)
    serve.stop()
    redis.stop()
    catcher.stop()
    return report(env, stream, catcher, max(peak))


def report(env: dict[str, str], stream: Stream, catcher: MailCatcher, peak_rss: int) -> int:
    engine = sa.create_engine(f"sqlite:///{Path(env['MAILGATE_HOME']) / 'mailgate.db'}")
    with engine.connect() as connection:
        inbound = connection.execute(sa.text("SELECT id, state, raw, received_at, updated_at FROM inbound_message")).all()
        recorded = connection.execute(sa.text("SELECT inbound_id, COUNT(*) FROM thread_message"
                                              " WHERE inbound_id IS NOT NULL GROUP BY inbound_id")).all()
    engine.dispose()
    stored: dict[str, list] = {}
    for row in inbound:
        raw = bytes(row.raw)
        at = raw.find(b"X-Soak-Marker: ")
        if at >= 0:
            stored.setdefault(raw[at + 15:at + 52].decode(), []).append(row)
    per_inbound = dict(recorded)
    lost = [m for m in stream.accepted if m not in stored]
    duplicated = [m for m, rows in stored.items()
                  if m in stream.accepted and sum(per_inbound.get(r.id, 0) for r in rows) > 1
                  and stream.offered[m][0] != "forged_follow_up"]
    processed = sum(1 for rows in stored.values() if any(r.state in ("done", "held") for r in rows))
    forged = {m for m, (kind, *_rest) in stream.offered.items() if kind == "forged_follow_up"}
    forged_acted_on = sum(1 for mail in catcher.to(AUTHORITY) for m in forged if m.encode() in mail.raw)
    # Held ones are in their thread too (kept privately: forged follow-ups, forwards the loop breaker stopped).
    latencies = sorted((_when(r.updated_at) - _when(r.received_at)) for rows in stored.values() for r in rows
                       if r.state in ("done", "held"))
    held = sum(1 for rows in stored.values() if any(r.state == "held" for r in rows))
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan")
    print(f"offered {len(stream.offered)}, accepted {len(stream.accepted)}, processed {processed} ({held} held), "
          f"lost {len(lost)}, duplicated {len(duplicated)}, forged acted on {forged_acted_on}")
    print(f"p99 accept-to-stored-in-thread {p99:.3f} s over {len(latencies)} messages; "
          f"peak RSS of serve's process tree {peak_rss / 2**20:.0f} MB")
    return 1 if lost or duplicated or forged_acted_on else 0


def _when(value) -> float:
    from datetime import datetime

    return (value if isinstance(value, datetime) else datetime.fromisoformat(str(value))).timestamp()


if __name__ == "__main__":
    raise SystemExit(main())
