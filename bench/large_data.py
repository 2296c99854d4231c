"""Benchmark large DATA: 4 messages of 24 MB sent at once to `mailgate serve`, its memory before, during, after.

    python bench/large_data.py                       # baseline (spooling off), then spooled
    python bench/large_data.py --mailgate OTHER/.venv/bin/mailgate   # also another checkout's code

Four concurrent 24 MB messages once took `serve` from 80 MB to 1.37 GB. Each run starts a
real `mailgate serve` (SQLite, in-process broker, its default gateway processes) on an
ephemeral port, sends the messages over four raw SMTP sessions at once, waits until the
actors have processed them, and samples the summed RSS of the serve process tree every
100 ms (bench/ingest.py's sampler). It prints the tree's RSS before, its peak, and after
(processing done), the growth over the bytes in flight (target: at most 2), and the
gateway processes' own growth. The baseline is the same code with spooling off
(MAILGATE_SPOOL_THRESHOLD=0: every message in memory, no turns), run first in the same run.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest import PeakRSS, free_port, process_tree, rss_kib, stop, wait_for_banner  # noqa: E402

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]


def message(to_address: str, size: int, seed: int) -> bytes:
    """A letter with a scanned-document attachment of about `size` bytes, base64 in 76-octet lines."""
    payload = base64.encodebytes(random.Random(seed).randbytes(size * 3 // 4)).replace(b"\n", b"\r\n")
    return (f"From: Records Officer <records@borsetshire.gov.uk>\r\nTo: {to_address}\r\n"
            f"Subject: Re: Road maintenance budget (part {seed})\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
            "Please find the documents attached.\r\n--b\r\nContent-Type: application/pdf; name=\"scan.pdf\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n").encode() + payload + b"--b--\r\n"


def send(port: int, rcpt: str, content: bytes, replies: list[bytes]) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=600) as sock:
        sock.recv(1000)
        sock.sendall(f"EHLO bench.example\r\nMAIL FROM:<records@borsetshire.gov.uk>\r\nRCPT TO:<{rcpt}>\r\n"
                     "DATA\r\n".encode())
        answer = b""
        while b"354" not in answer:
            answer += sock.recv(1000)
        sock.sendall(content)
        sock.sendall(b".\r\nQUIT\r\n")
        while chunk := sock.recv(1000):
            answer += chunk
    replies.append(answer)


def tree_kib(pid: int) -> dict[int, int]:
    return {p: rss_kib(p) for p in process_tree(pid)}


def mailgate(binary: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(binary), *args], env=env, capture_output=True, text=True, cwd=env["MAILGATE_HOME"])
    if done.returncode:
        raise SystemExit(f"mailgate {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def unfinished(binary: Path, env: dict[str, str]) -> int:
    status = json.loads(mailgate(binary, env, "status", "--json"))["inbound"]
    return status["received"] + status["processing"]


def run(label: str, binary: Path, extra: dict[str, str], count: int, size: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="mailgate-large-") as home:
        env = dict(os.environ, MAILGATE_HOME=home, **extra)
        mailgate(binary, env, "db", "upgrade")  # only serve, `db upgrade` and demo create a store
        mailgate(binary, env, "import", "authorities", str(ROOT / "mailgate/data/sample_authorities.csv"))
        Path(home, "request.txt").write_text("Please send me the road maintenance budget for 2023/24.\n")
        thread = json.loads(mailgate(binary, env, "foi", "new", "--authority", "borsetshire-council", "--name",
                                     "Ann Bench", "--email", "ann@example.org", "--title", "Road maintenance budget",
                                     "--body-file", str(Path(home, "request.txt")), "--json"))
        messages = [message(thread["reply_address"], size, seed) for seed in range(count)]
        port = free_port()
        env["MAILGATE_SMTP"] = f"127.0.0.1:{port}"
        env.setdefault("MAILGATE_HTTP", "127.0.0.1:0")  # serve as by default (archive kept built), on a free port
        log = Path(home, "serve.log")
        with open(log, "wb") as log_file:
            process = subprocess.Popen([str(binary), "serve"], env=env, stdout=log_file, stderr=log_file, cwd=home,
                                       start_new_session=True)
        try:
            wait_for_banner(port, process, log)
            time.sleep(2)  # the start-up sweep and the gateway children settle
            before = tree_kib(process.pid)
            sampler = PeakRSS(process.pid)
            sampler.start()
            replies: list[bytes] = []
            senders = [threading.Thread(target=send, args=(port, thread["reply_address"], raw, replies))
                       for raw in messages]
            for sender in senders:
                sender.start()
            for sender in senders:
                sender.join()
            deadline = time.monotonic() + 600
            while unfinished(binary, env) and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(2)  # let the allocators hand memory back
            after = tree_kib(process.pid)
            peak_mb, _ = sampler.finish()
            gateways = {p: kib for p, kib in sampler.per_process_kib.items() if p != process.pid}
            accepted = sum(b"\r\n250 2.0.0 Ok: stored as" in reply for reply in replies)
        finally:
            stop(process)
    in_flight = sum(len(raw) for raw in messages) / MB
    before_mb, after_mb = sum(before.values()) / 1024, sum(after.values()) / 1024
    gateway_growth = sum(kib - before.get(p, 0) for p, kib in gateways.items()) / 1024
    return {"label": label, "accepted": accepted, "in_flight": in_flight, "before": before_mb, "peak": peak_mb,
            "after": after_mb, "ratio": (peak_mb - before_mb) / in_flight, "gateway_growth": gateway_growth}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--size-mb", type=int, default=24)
    parser.add_argument("--mailgate", type=Path, help="also run this `mailgate` (another checkout's) first, as is")
    args = parser.parse_args()
    this = Path(sys.executable).parent / "mailgate"
    runs = [("other checkout", args.mailgate, {})] if args.mailgate else []
    runs += [("spooling off (MAILGATE_SPOOL_THRESHOLD=0)", this, {"MAILGATE_SPOOL_THRESHOLD": "0"}),
             ("spooled (default, 1 MB)", this, {})]
    results = [run(label, binary, extra, args.count, args.size_mb * MB) for label, binary, extra in runs]
    print(f"{args.count} concurrent messages of {args.size_mb} MB; RSS summed over the serve process tree")
    print(f"{'':44} {'before':>7} {'peak':>7} {'after':>7} {'growth/in flight':>17} {'gateways +MB':>13} accepted")
    for result in results:
        print(f"{result['label']:44} {result['before']:7.0f} {result['peak']:7.0f} {result['after']:7.0f} "
              f"{result['ratio']:17.2f} {result['gateway_growth']:13.0f} {result['accepted']}/{args.count}")
    return 0 if all(result["accepted"] == args.count for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
