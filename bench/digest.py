"""Benchmark alert digests (issue 14): subscribers with ~3 alerts each over a day of public activity,
through the same code as `mailgate digest send` (alert rows, dedupe keys, outbox, delivery through
processors/delivery.py) to a local SMTP sink this script starts; beside it, in the same run, the
sink's own rate for pre-built messages of the same size sent by the same client code (baseline a),
and Postfix's smtp-sink when installed (b).

    python bench/digest.py                          # 2,000 subscribers (the issue's target is 100,000)
    python bench/digest.py --subscribers 100000 --threads 20000
"""
from __future__ import annotations

import argparse
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import TIME_FORMAT, WORDS, generate  # noqa: E402

from processors.alerts.digests import send_digests  # noqa: E402
from processors.config import ProcessorsConfig  # noqa: E402
from processors.context import build_context, configure, current  # noqa: E402
from processors.delivery import deliver_outbound, transmit  # noqa: E402
from store.queue import Queue, Work  # noqa: E402

DOMAINS = ("gmail.com", "outlook.com", "yahoo.co.uk", "btinternet.com", "icloud.com", "hotmail.co.uk",
           "sky.com", "aol.com", "council.gov.uk", "example.org")  # a realistic mix, by rough share order


class Sink:
    """An SMTP server that accepts everything and keeps only counts."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        from mailgate.runtime.embedded import free_port

        self.messages = self.bytes = 0
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        self.address = f"127.0.0.1:{self.controller.port}"

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.bytes += len(envelope.original_content)
        return "250 OK"


def fill(db: Path, subscribers: int, threads: int, seed: int = 7) -> datetime:
    """Threads (bench/archive.py), a day of new public replies, subscribers with ~3 alerts each."""
    generate(db, threads, messages_per_thread=2, authorities=400)
    rng = random.Random(seed)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=OFF")
    news = [(tid, "incoming", "reply", "Authority", "a@x.example", "Re", "", "", f"Re: thread {tid}",
             " ".join(rng.choice(WORDS) for _ in range(80)), "", f"<d{tid}@bench>", "[]", 0,
             (now - timedelta(hours=rng.random() * 23)).strftime(TIME_FORMAT),
             (now - timedelta(hours=rng.random() * 23)).strftime(TIME_FORMAT))
            for tid in rng.sample(range(1, threads + 1), threads // 5)]  # a fifth of the threads active today
    con.executemany("INSERT INTO thread_message (thread_id, direction, kind, from_name, from_address, subject,"
                    " body_text, quoted_text, public_subject, public_body, public_quoted, message_id_header, notes,"
                    " hidden, sent_at, arrived_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", news)
    confirmed = (now - timedelta(days=1)).strftime(TIME_FORMAT)
    con.executemany("INSERT INTO subscriber (id, email, created_at) VALUES (?,?,?)",
                    [(i, f"reader{i}@{DOMAINS[min(int(rng.expovariate(0.5)), len(DOMAINS) - 1)]}", confirmed)
                     for i in range(1, subscribers + 1)])
    alerts = []
    for sid in range(1, subscribers + 1):
        for _ in range(rng.choice((2, 3, 3, 4))):
            pick = rng.random()
            if pick < 0.5:
                target, value = "authority", f"authority-{rng.randrange(1, 401)}"
            elif pick < 0.85:
                target, value = "thread", str(rng.randrange(1, threads + 1))
            else:
                target, value = "search", " ".join(rng.sample(WORDS, 2))
            alerts.append((sid, target, value, value, "daily", "active", confirmed, confirmed, confirmed))
    con.executemany("INSERT INTO alert (subscriber_id, target, value, label, frequency, state, created_at,"
                    " expires_at, confirmed_at) VALUES (?,?,?,?,?,?,?,?,?)", alerts)
    con.commit()
    con.close()
    return now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mailgate-bench-digest-"))
    try:
        db = root / "mailgate.db"
        started = time.perf_counter()
        fill(db, args.subscribers, args.threads)
        print(f"filled {args.subscribers:,} subscribers, {args.threads:,} threads in {time.perf_counter() - started:.1f} s")
        sink = Sink()
        config = ProcessorsConfig(database_url=f"sqlite:///{db}", domain="foi.example", secret=b"bench", home=root,
                                  site_url="https://foi.example/", relay=sink.address,
                                  unsubscribe_url="https://foi.example/unsubscribe")

        def deliver_now(work: Work, ident: int, delay_ms: int) -> None:
            if work is Work.DELIVER_OUTBOUND and not delay_ms:
                deliver_outbound(current(), ident)

        context = configure(build_context(config, queue=Queue(deliver_now)))
        builds: list[float] = []

        def timed(ids):
            for ident in ids:
                began = time.perf_counter()
                yield ident
                builds.append(time.perf_counter() - began)

        started = time.perf_counter()
        run = send_digests(context, "daily", progress=timed)
        elapsed = time.perf_counter() - started
        rate = len(run.sent) / elapsed if elapsed else 0.0
        size = sink.bytes // max(sink.messages, 1)
        print(f"digests: {len(run.sent):,} sent, {run.nothing_new:,} with nothing new, in {elapsed:.1f} s: "
              f"{rate:,.0f} digests/s; mean size {size:,} bytes")
        print(f"per subscriber (build + commit + delivery): p50 {statistics.median(builds) * 1000:.1f} ms, "
              f"p99 {statistics.quantiles(builds, n=100)[98] * 1000:.1f} ms")

        # (a) the same client code (processors/delivery.transmit) sending pre-built messages of that size
        from store.models import Outbox

        sample = Outbox(id=0, dedupe_key="x", kind="bench", to_address="reader@example.org",
                        from_address="a@foi.example", envelope_from="bounce@foi.example",
                        raw=b"Subject: x\r\n\r\n" + (b"x" * 70 + b"\r\n") * max((size - 14) // 72, 1))
        count = min(len(run.sent), 2000) or 500
        began = time.perf_counter()
        for _ in range(count):
            transmit(context, sample)
        baseline = count / (time.perf_counter() - began)
        print(f"(a) pre-built messages through the same client: {baseline:,.0f}/s; "
              f"digests reach {rate / baseline:.2f} of it")
        print("(b) Postfix smtp-sink: " + ("installed, not yet driven by this script" if shutil.which("smtp-sink")
                                           else "not installed"))
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB; "
              "targets (issue 14): >= 1,500 digests/s, >= 0.8 x (a), <= 500 MB")
        sink.controller.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
