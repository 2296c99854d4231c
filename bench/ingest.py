"""Benchmark SMTP ingest: a bare aiosmtpd sink (the baseline) against `mailgate serve` with its store.

    python bench/ingest.py                      # 20,000 messages of 2 KB over 20 sessions
    python bench/ingest.py --quick              # 2,000 messages
    python bench/ingest.py --rounds             # 3 alternating rounds, median ratio (--rounds N for N)
    python bench/ingest.py --gateway-processes 2 --database-url postgresql://postgres@127.0.0.1:5432/bench \\
        --broker-url redis://127.0.0.1:6379/12

The sink runs before and after each mailgate run (sink, mailgate, sink, mailgate, ...,
sink); each round's ratio is against the mean of the two sinks around it, and with
several rounds the median ratio is reported. Both servers run as subprocesses on
ephemeral ports and get the same load generator: Postfix's `smtp-source` when it is
installed (Debian: `apt-get install postfix`; only the binary is used), else the
built-in client: K asyncio sessions speaking raw SMTP. Either way each session sends
many messages over one connection. The built-in client also measures latency, from
the end of DATA ("." sent) to the reply; smtp-source does not report it.
mailgate answers 250 only after the batch holding the message is committed, and
processes the messages concurrently (in-process workers, or Redis); the script
waits for that processing to finish, reports its rate, and checks that the store
holds exactly as many messages as got a 250.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

# The `mailgate` command under test: this virtualenv's, or another checkout's (--mailgate), so
# that old and new code can be compared by the same client in the same run.
MAILGATE = Path(sys.executable).parent / "mailgate"
READY_SECONDS = 60
SENDER = "foi@borsetshire.gov.uk"  # the envelope sender of every message, whichever load generator

# A sink that accepts everything and answers 250 at once: the cost of SMTP alone,
# with the same aiosmtpd options as the gateway.
SINK = r"""
import asyncio, socket, sys
from aiosmtpd.smtp import SMTP

class Sink:
    async def handle_RCPT(self, server, session, envelope, address, options):
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 recipient ok"

    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Ok: discarded"

async def main(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Sink(), data_size_limit=25 * 1024 * 1024, enable_SMTPUTF8=True, decode_data=False,
                     hostname="sink.localhost", ident="sink ESMTP", timeout=300),
        host="127.0.0.1", port=port, backlog=512)
    async with server:
        await server.serve_forever()

asyncio.run(main(int(sys.argv[1])))
"""

WORDS = ("thank you for your request for information about the council road maintenance budget we can "
         "confirm that the information is held and is attached to this email please note that some "
         "figures have been withheld under section forty of the act as they contain personal data "
         "if you are unhappy with this response you may ask for an internal review").split()


# -- the messages --------------------------------------------------------------------------------


def message_template(to_address: str, size: int) -> bytes:
    """A plain authority reply of about `size` bytes, with `{n}` where the message number goes."""
    headers = ("From: Information Governance <foi@borsetshire.gov.uk>\r\n"
               f"To: <{to_address}>\r\n"
               "Subject: RE: Freedom of Information request - road maintenance {n}\r\n"
               "Date: Mon, 03 Jun 2024 10:15:00 +0100\r\n"
               "Message-ID: <bench-{n}@mail.borsetshire.gov.uk>\r\n"
               "MIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=utf-8\r\n"
               "Content-Transfer-Encoding: 8bit\r\n"
               "\r\n"
               "Dear requester,\r\n\r\nOur reference FOI-{n}.\r\n\r\n")
    lines, words = [], itertools.cycle(WORDS)
    length = len(headers) + 60
    while length < size:
        line = " ".join(next(words) for _ in range(12)).capitalize() + "."
        lines.append(line)
        length += len(line) + 2
    body = "\r\n".join(lines) + "\r\n\r\nYours sincerely,\r\nInformation Governance Team\r\n"
    return (headers + body).encode()


# -- the client --------------------------------------------------------------------------------------


@dataclass
class ClientResult:
    acked: int = 0
    refused: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    stored_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0


async def _reply(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("server closed the connection")
        if line[3:4] != b"-":
            return int(line[:3]), line


async def _session(port: int, numbers, template: bytes, rcpt: str, result: ClientResult) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await _reply(reader)
        writer.write(b"EHLO bench.example\r\n")
        await _reply(reader)
        for n in numbers:
            writer.write(f"MAIL FROM:<{SENDER}>\r\n".encode())
            await _reply(reader)
            writer.write(f"RCPT TO:<{rcpt}>\r\n".encode())
            code, _ = await _reply(reader)
            if code != 250:
                result.refused += 1
                writer.write(b"RSET\r\n")
                await _reply(reader)
                continue
            writer.write(b"DATA\r\n")
            await _reply(reader)
            writer.write(template.replace(b"{n}", str(n).encode()) + b".\r\n")
            await writer.drain()
            sent = time.perf_counter()
            code, line = await _reply(reader)
            result.latencies.append(time.perf_counter() - sent)
            if code == 250:
                result.acked += 1
                if b"stored as " in line:
                    result.stored_ids.append(int(line.rsplit(b" ", 1)[1]))
            else:
                result.refused += 1
        writer.write(b"QUIT\r\n")
        await _reply(reader)
    except (ConnectionError, OSError):
        result.errors += 1
    finally:
        writer.close()


async def _drive(port: int, messages: int, sessions: int, template: bytes, rcpt: str) -> ClientResult:
    result = ClientResult()
    numbers = iter(range(1, messages + 1))  # shared: a fast session takes more
    started = time.perf_counter()
    await asyncio.gather(*(_session(port, numbers, template, rcpt, result) for _ in range(sessions)))
    result.seconds = time.perf_counter() - started
    return result


def find_smtp_source() -> str | None:
    # Debian installs it in /usr/sbin, which is often not on PATH for ordinary users.
    return shutil.which("smtp-source") or shutil.which("smtp-source", path="/usr/sbin:/usr/local/sbin")


def send_with_smtp_source(binary: str, port: int, messages: int, sessions: int, size: int,
                          rcpt: str) -> ClientResult:
    """Postfix's load generator. A C program drives harder than asyncio Python, and the server
    gets more of the two cores. It gives no per-message replies, so there are no latencies or
    stored ids here; smtp-source exits non-zero at the first reply that is not 2xx, so exit 0
    means every message got its 250."""
    command = [binary,
               "-c",  # print a running count, so a failure can say how far it got
               "-d",  # keep the connection for the next message (as the built-in client and an MTA's
                      # connection cache do) instead of one connection per message
               "-s", str(sessions), "-m", str(messages),
               "-l", str(size),  # body bytes; smtp-source adds ~5 header lines of its own
               "-f", SENDER, "-t", rcpt,  # one recipient, unnumbered (-N would make it unroutable)
               "-S", "RE: Freedom of Information request - road maintenance",
               f"127.0.0.1:{port}"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        counted = (done.stdout.split() or ["0"])[-1]
        raise SystemExit(f"smtp-source failed after {counted} messages sent: {done.stderr.strip()}")
    return ClientResult(acked=messages, seconds=seconds)


def send(args, port: int, template: bytes, rcpt: str) -> ClientResult:
    if args.smtp_source:
        return send_with_smtp_source(args.smtp_source, port, args.messages, args.sessions, args.size, rcpt)
    return asyncio.run(_drive(port, args.messages, args.sessions, template, rcpt))


# -- the servers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_banner(port: int, process: subprocess.Popen, log: Path | None = None) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}"
                             + (f":\n{log.read_text()[-3000:]}" if log else ""))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=READY_SECONDS) as sock:
                if sock.recv(100).startswith(b"220"):
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no SMTP banner on port {port} after {READY_SECONDS} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def process_tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in children.read_text().split())
            except OSError:
                pass
    return pids


def proc_kib(pid: int, file: str, field: str) -> int:
    """A ``Field:  N kB`` figure from /proc/PID/FILE, 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kib(pid: int) -> int:
    return proc_kib(pid, "status", "VmRSS:")


def cpu_by_process(root: int) -> dict[int, float]:
    """User + system CPU seconds used so far by each process of a tree (threads included)."""
    used = {}
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return used


def cpu_seconds(root: int) -> float:
    return sum(cpu_by_process(root).values())


def pss_kib(pid: int) -> int:
    """Proportional set size: pages shared with other processes (libraries) divided among their users."""
    return proc_kib(pid, "smaps_rollup", "Pss:")


class PeakRSS(threading.Thread):
    """Samples the summed RSS (and, every second, PSS) of a process tree every 100 ms,
    and each process's own peak RSS (to tell the gateways from the actors)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.peak_pss_kib, self.stopped = pid, 0, 0, threading.Event()
        self.per_process_kib: dict[int, int] = {}

    def run(self) -> None:
        for tick in itertools.count():
            if self.stopped.is_set():
                return
            pids = process_tree(self.pid)
            sizes = {p: rss_kib(p) for p in pids}
            for p, size in sizes.items():
                self.per_process_kib[p] = max(self.per_process_kib.get(p, 0), size)
            self.peak_kib = max(self.peak_kib, sum(sizes.values()))
            if tick % 10 == 0:  # smaps_rollup walks every mapping: not every 100 ms
                self.peak_pss_kib = max(self.peak_pss_kib, sum(pss_kib(p) for p in pids))
            self.stopped.wait(0.1)

    def finish(self) -> tuple[float, float]:
        self.stopped.set()
        self.join()
        return self.peak_kib / 1024, self.peak_pss_kib / 1024

    def describe(self) -> str:
        """Each process's peak, the root (the actors' process) first."""
        return ", ".join(f"{'root' if p == self.pid else 'child'} {p}: {kib / 1024:.1f} MB"
                         for p, kib in sorted(self.per_process_kib.items(), key=lambda item: item[0] != self.pid))


def messages_and_commits(log: Path) -> tuple[int, int]:
    """What the gateways' store writers said when they stopped: messages, commits."""
    found = [re.search(r"store writer \d+: (\d+) messages in (\d+) commits", line) for line in
             log.read_text(errors="replace").splitlines()]
    return sum(int(m[1]) for m in found if m), sum(int(m[2]) for m in found if m)


def mailgate(env: dict[str, str], *args: str) -> str:
    # Run from its home, not from this checkout: `python -m` (the gateway processes) puts the
    # working directory first on sys.path, which would load this checkout's code instead.
    done = subprocess.run([str(MAILGATE), *args], env=env, capture_output=True, text=True, cwd=env["MAILGATE_HOME"])
    if done.returncode:
        raise SystemExit(f"mailgate {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


# -- the runs ----------------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    client: ClientResult
    memory_mb: tuple[float, float]  # peak summed RSS, peak summed PSS
    cpu_seconds: float  # the server's, during ingest

    @property
    def cpu_ms_per_message(self) -> float:
        return self.cpu_seconds * 1000 / self.client.acked if self.client.acked else float("nan")

    @property
    def rate(self) -> float:
        return self.client.acked / self.client.seconds if self.client.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.client.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")


def run_sink(args, template: bytes, rcpt: str) -> Run:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SINK, str(port)], start_new_session=True)
    try:
        wait_for_banner(port, process)
        sampler = PeakRSS(process.pid)
        sampler.start()
        cpu = cpu_seconds(process.pid)
        client = send(args, port, template, rcpt)
        cpu = cpu_seconds(process.pid) - cpu
        return Run("aiosmtpd sink", client, sampler.finish(), cpu)
    finally:
        stop(process)


def backlog(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return dict(connection.execute(sa.text("SELECT state, count(*) FROM inbound_message GROUP BY state")).all())


def run_mailgate(args, home: Path) -> tuple[Run, dict]:
    env = dict(os.environ, MAILGATE_HOME=str(home), MAILGATE_GATEWAY_PROCESSES=str(args.gateway_processes),
               MAILGATE_DATABASE_URL=args.database_url, MAILGATE_BROKER_URL=args.broker_url)
    if args.worker_threads:
        env["MAILGATE_WORKER_THREADS"] = str(args.worker_threads)
    mailgate(env, "db", "upgrade")  # only serve, `db upgrade` and demo create a store
    mailgate(env, "import", "authorities", str(Path(__file__).resolve().parents[1] / "mailgate/data/sample_authorities.csv"))
    (home / "request.txt").write_text("Please send me the road maintenance budget for 2023/24.\n")
    thread = json.loads(mailgate(env, "foi", "new", "--authority", "borsetshire-council", "--name", "Ann Bench",
                                 "--email", "ann@example.org", "--title", "Road maintenance budget",
                                 "--body-file", str(home / "request.txt"), "--json"))
    rcpt = thread["reply_address"]
    template = message_template(rcpt, args.size)
    port = free_port()
    env["MAILGATE_SMTP"] = f"127.0.0.1:{port}"
    env.setdefault("MAILGATE_HTTP", "127.0.0.1:0")  # serve as by default (archive kept built), on a free port
    log = home / "serve.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen([str(MAILGATE), "serve"], env=env, stdout=log_file, stderr=log_file, cwd=home,
                                   start_new_session=True)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from mailgate.runtime.settings import load_settings
    from store.db import make_engine

    engine = make_engine(load_settings(**{"home": home, "database_url": args.database_url}).sqlalchemy_url)
    try:
        wait_for_banner(port, process, log)
        time.sleep(1)  # let the start-up sweep and the gateway children settle
        sampler = PeakRSS(process.pid)
        sampler.start()
        paused = args.processing == "after"
        if paused:  # the gateways are the children; the parent holds the actors
            os.kill(process.pid, signal.SIGSTOP)
        started = time.perf_counter()
        cpu_before = cpu_by_process(process.pid)
        client = send(args, port, template, rcpt)
        cpu_after = cpu_by_process(process.pid)
        cpu = sum(cpu_after.values()) - sum(cpu_before.values())
        cpu_split = ", ".join(f"{'root' if pid == process.pid else 'child'} {pid}: "
                              f"{(used - cpu_before.get(pid, 0.0)) * 1000 / max(1, client.acked):.2f}"
                              for pid, used in sorted(cpu_after.items(), key=lambda item: item[0] != process.pid))
        at_end = backlog(engine)
        ingest_ended = time.perf_counter()
        if paused:
            os.kill(process.pid, signal.SIGCONT)
            started = time.perf_counter()
        deadline = time.monotonic() + args.processing_timeout
        while time.monotonic() < deadline:
            counts = backlog(engine)
            if counts.get("received", 0) + counts.get("processing", 0) == 0:
                break
            time.sleep(0.2)
        processed_after = time.perf_counter() - started
        drained_after = time.perf_counter() - ingest_ended
        peak = sampler.finish()
        per_process = sampler.describe()
        status = json.loads(mailgate(env, "status", "--json"))["inbound"]
        with engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT count(*) FROM inbound_message")).scalar()
            ids = set(connection.execute(sa.text("SELECT id FROM inbound_message")).scalars())
        missing = [i for i in client.stored_ids if i not in ids]
        finished = status["received"] + status["processing"] == 0
        report = {"status": status, "stored": stored, "missing": len(missing), "backlog_at_end_of_ingest": at_end,
                  "lost": bool(missing) or stored != client.acked,
                  "processing_seconds": processed_after, "processing_finished": finished,
                  "drained_seconds": drained_after, "per_process": per_process, "cpu_split": cpu_split,
                  "processing_rate": (status["done"] + status["held"]) / processed_after}
        stop(process)  # the gateways log their writers' commit counts as they stop
        report["commits"] = messages_and_commits(log)
        return Run(f"mailgate serve ({args.gateway_processes} gateway process"
                   f"{'es' if args.gateway_processes > 1 else ''})", client, peak, cpu), report
    finally:
        stop(process)
        engine.dispose()


def milliseconds(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}"  # smtp-source gives no latencies


def print_mailgate_report(args, run: Run, report: dict) -> bool:
    """The details of one mailgate run; True when it lost messages or did not finish processing."""
    print("memory:                    peak sums over the process tree; RSS counts shared pages (libraries) "
          "once per process, PSS shares them out")
    print(f"peak RSS per process:      {report['per_process']}")
    print(f"CPU ms/msg per process:    {report['cpu_split']} (during ingest)")
    print(f"backlog when ingest ended: {report['backlog_at_end_of_ingest']}")
    print(f"processing:                {report['status']['done'] + report['status']['held']:,} messages processed "
          f"in {report['processing_seconds']:.1f} s = {report['processing_rate']:.0f} msg/s "
          + ("(from the first message sent, concurrently with ingest)" if args.processing == "concurrent"
             else "(after ingest, the actors' process paused until then)"))
    print(f"backlog drained:           {report['drained_seconds']:.1f} s after the last 250")
    messages, commits = report["commits"]
    if commits:
        print(f"store writer:              {messages:,} messages in {commits:,} commits "
              f"({messages / commits:.1f} per commit, one fsync each)")
    ids_checked = ("smtp-source shows no ids: the row count is the check" if args.smtp_source
                   else f"{report['missing']} acknowledged ids missing")
    print(f"store:                     {report['stored']:,} rows for {run.client.acked:,} 250s; "
          f"{ids_checked}; final status {report['status']}")
    return report["lost"] or not report["processing_finished"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--size", type=int, default=2048,
                        help="bytes per message (with smtp-source: bytes of body, after its ~5 header lines)")
    parser.add_argument("--rounds", type=int, nargs="?", const=3, default=1, metavar="N",
                        help="alternate sink and mailgate N times (sink, mailgate, sink, ..., mailgate, sink; "
                             "3 when N is left out), each round against the sinks either side; prints the median ratio")
    parser.add_argument("--builtin-client", action="store_true",
                        help="use the built-in asyncio client even when smtp-source is installed (it measures latency)")
    parser.add_argument("--gateway-processes", type=int, default=2)
    parser.add_argument("--worker-threads", type=int, default=0, help="MAILGATE_WORKER_THREADS (default: mailgate's)")
    parser.add_argument("--database-url", default="", help="default: SQLite in the temporary MAILGATE_HOME")
    parser.add_argument("--broker-url", default="", help="default: the in-process broker")
    parser.add_argument("--processing", choices=("concurrent", "after"), default="concurrent",
                        help="process while ingesting (realistic), or pause the actors' process (SIGSTOP) "
                             "during ingest and process afterwards (ingest alone; needs --gateway-processes >= 2)")
    parser.add_argument("--processing-timeout", type=float, default=900)
    parser.add_argument("--quick", action="store_true", help="2,000 messages")
    parser.add_argument("--keep", action="store_true", help="keep the temporary MAILGATE_HOME of each round")
    parser.add_argument("--mailgate", type=Path, help="the mailgate command to measure (default: this "
                        "virtualenv's), e.g. another checkout's .venv/bin/mailgate")
    args = parser.parse_args()
    if args.mailgate:
        global MAILGATE
        MAILGATE = args.mailgate
    # A SIGTERM (timeout, pkill) unwinds like Ctrl-C, so the servers started here are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.processing == "after" and args.gateway_processes < 2:
        parser.error("--processing after needs --gateway-processes 2 or more (the actors then have a process of their own)")
    if args.rounds < 1:
        parser.error("--rounds needs 1 or more")
    if args.rounds > 1 and args.database_url:
        # Every round starts from an empty store (a fresh temporary home); an external
        # database would carry the rows of the round before into the lost-message check.
        parser.error("--rounds above 1 needs the SQLite default (each round starts from an empty store)")
    if args.quick:
        args.messages = 2_000
    args.smtp_source = None if args.builtin_client else find_smtp_source()
    print(f"{args.messages:,} messages of {args.size:,} bytes over {args.sessions} sessions; "
          f"store {args.database_url or 'SQLite'}, broker {args.broker_url or 'in-process'}, "
          f"{args.gateway_processes} gateway process(es); {args.rounds} round(s)", flush=True)
    if args.smtp_source:
        print(f"load generator: Postfix smtp-source ({args.smtp_source}), one connection per session (-d); "
              "it reports no latencies", flush=True)
    elif args.builtin_client:
        print("load generator: the built-in asyncio client (--builtin-client)", flush=True)
    else:
        print("load generator: the built-in asyncio client, because smtp-source is not installed "
              "(Debian: apt-get install postfix, choosing \"No configuration\"; only /usr/sbin/smtp-source is used)",
              flush=True)
    sink_address = "request-1-x@mailgate.localhost"
    sink_template = message_template(sink_address, args.size)
    # sink, mailgate, sink, mailgate, ..., sink: this machine's speed drifts, and taking
    # each mailgate run against the mean of the sinks either side cancels most of a drift.
    sinks: list[Run] = []
    rounds: list[tuple[Run, dict]] = []
    homes: list[Path] = []
    try:
        sinks.append(run_sink(args, sink_template, sink_address))
        print(f"sink 1: {sinks[-1].rate:,.0f} msg/s", flush=True)
        for number in range(1, args.rounds + 1):
            homes.append(Path(tempfile.mkdtemp(prefix="mailgate-bench-")))
            print(f"round {number}: mailgate home {homes[-1]}", flush=True)
            rounds.append(run_mailgate(args, homes[-1]))
            print(f"round {number}: mailgate {rounds[-1][0].rate:,.0f} msg/s", flush=True)
            sinks.append(run_sink(args, sink_template, sink_address))
            print(f"sink {number + 1}: {sinks[-1].rate:,.0f} msg/s", flush=True)
    finally:
        if not args.keep:
            for home in homes:
                shutil.rmtree(home, ignore_errors=True)
    for number, sink in enumerate(sinks, 1):
        sink.name = f"aiosmtpd sink {number}"
    for number, (run, _) in enumerate(rounds, 1):
        run.name += f" #{number}"
    print()
    print(f"{'':42} {'msg/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'RSS MB':>7} {'PSS MB':>7} {'CPU ms/msg':>11} "
          f"{'250s':>7} {'not 250':>8}")
    in_order = [sinks[0]] + [run for (mailgate_run, _), sink in zip(rounds, sinks[1:], strict=True) for run in (mailgate_run, sink)]
    for run in in_order:
        print(f"{run.name:42} {run.rate:8.0f} {milliseconds(run.percentile(0.5)):>8} "
              f"{milliseconds(run.percentile(0.99)):>8} {run.memory_mb[0]:7.1f} {run.memory_mb[1]:7.1f} "
              f"{run.cpu_ms_per_message:11.2f} {run.client.acked:7} {run.client.refused + run.client.errors:8}")
    failed, ratios = False, []
    for number, (run, report) in enumerate(rounds, 1):
        baseline = (sinks[number - 1].rate + sinks[number].rate) / 2
        ratios.append(run.rate / baseline if baseline else 0.0)
        print()
        print(f"round {number}: ratio mailgate / sink {ratios[-1]:.2f} (against the mean of sinks {number} and "
              f"{number + 1}, {baseline:.0f} msg/s); peak RSS of the serve tree {run.memory_mb[0]:.1f} MB")
        failed |= print_mailgate_report(args, run, report)
    print()
    print(f"median ratio mailgate / sink: {statistics.median(ratios):.2f} over {len(ratios)} round(s) "
          f"({', '.join(f'{ratio:.2f}' for ratio in ratios)}); highest peak RSS of the serve tree "
          f"{max(run.memory_mb[0] for run, _ in rounds):.1f} MB; load generator "
          f"{'smtp-source' if args.smtp_source else 'built-in client'}")
    lost = [number for number, (_, report) in enumerate(rounds, 1) if report["lost"]]
    unfinished = [number for number, (_, report) in enumerate(rounds, 1) if not report["processing_finished"]]
    print("RESULT: " + (f"LOST MESSAGES (round {', '.join(map(str, lost))})" if lost else "0 lost")
          + (f"; processing did not finish in time (round {', '.join(map(str, unfinished))})" if unfinished else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
