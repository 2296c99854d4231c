"""Benchmark the static archive: generate N threads into SQLite, time full and incremental builds (and Hugo).

    python bench/archive.py                    # 100,000 threads / 400,000 messages
    python bench/archive.py --threads 10000 --search --keep /tmp/bench
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.migrate import upgrade  # noqa: E402
from web_archive.build import build_site  # noqa: E402
from web_archive.config import ArchiveConfig  # noqa: E402

WORDS = ("council request information road pothole budget minutes meeting school contract report "
         "letter policy data records spending housing planning parking library tree bin street "
         "light water safety review decision officer committee").split()
FOI_STATES = ("waiting_response", "successful", "partially_successful", "rejected", "not_held",
              "internal_review", "waiting_clarification")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def generate(db_path: Path, threads: int, messages_per_thread: int = 4, authorities: int = 400,
             seed: int = 5) -> None:
    """Fill a fresh mailgate SQLite database with public threads, messages and a few letters."""
    upgrade(f"sqlite:///{db_path}")
    rng = random.Random(seed)
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA journal_mode=MEMORY")
    start = datetime(2024, 1, 1)
    stamp = start.strftime(TIME_FORMAT)
    con.executemany(
        "INSERT INTO counterpart (id, slug, name, email, tags, country, url, updated_at) VALUES (?,?,?,?,?,?,?,?)",
        [(i, f"authority-{i}", f"Authority number {i}", f"foi{i}@authority{i}.example", "council", "GB",
          f"https://authority{i}.example/", stamp) for i in range(1, authorities + 1)])
    thread_rows, message_rows = [], []
    message_id = 0
    for tid in range(1, threads + 1):
        created = start + timedelta(minutes=7 * tid)
        kind = "report" if tid % 4 == 0 else ("letter" if tid % 50 == 1 else "foi")
        state = rng.choice(FOI_STATES) if kind == "foi" else ("confirmed" if kind == "report" else "sent")
        last = created
        for n in range(messages_per_thread):
            message_id += 1
            when = created + timedelta(days=3 * n, hours=n)
            last = when
            outgoing = n % 2 == 0
            body = _text(rng, 60 + rng.randrange(80))
            message_rows.append((
                message_id, tid, "outgoing" if outgoing else "incoming",
                "request" if n == 0 else ("follow_up" if outgoing else "reply"),
                f"Citizen {tid}" if outgoing else f"Authority number {tid % authorities + 1}",
                "someone@example.org", f"Re: thread {tid}", body, "", f"Re: thread {tid}", body,
                "> earlier text\n> more earlier text" if n else "", f"<m{message_id}@bench>", "[]", 0,
                when.strftime(TIME_FORMAT), when.strftime(TIME_FORMAT)))
        thread_rows.append((
            tid, kind, f"{_text(rng, 5).capitalize()} ({tid})", "", state, 1, 0, "anybody",
            tid % authorities + 1, f"Citizen {tid}", f"citizen{tid}@example.org", 0,
            created.strftime(TIME_FORMAT), created.strftime(TIME_FORMAT), created.strftime(TIME_FORMAT),
            last.strftime(TIME_FORMAT), last.strftime(TIME_FORMAT), "[]"))
        if len(message_rows) >= 50_000:
            _flush(con, thread_rows, message_rows)
    _flush(con, thread_rows, message_rows)
    con.commit()
    con.close()


def _flush(con: sqlite3.Connection, thread_rows: list, message_rows: list) -> None:
    con.executemany(
        "INSERT INTO thread (id, kind, title, body, state, public, hidden, who_may_post, counterpart_id,"
        " citizen_name, citizen_email, awaiting_classification, created_at, confirmed_at, sent_at,"
        " last_activity_at, updated_at, reminded) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", thread_rows)
    con.executemany(
        "INSERT INTO thread_message (id, thread_id, direction, kind, from_name, from_address, subject,"
        " body_text, quoted_text, public_subject, public_body, public_quoted, message_id_header, notes,"
        " hidden, sent_at, arrived_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", message_rows)
    thread_rows.clear()
    message_rows.clear()


def add_one_message(db_path: Path, thread_id: int) -> None:
    con = sqlite3.connect(db_path)
    con.execute(
        "INSERT INTO thread_message (thread_id, direction, kind, from_name, from_address, subject, body_text,"
        " quoted_text, public_subject, public_body, public_quoted, message_id_header, notes, hidden, sent_at,"
        " arrived_at) VALUES (?, 'incoming', 'reply', 'The authority', 'x@example.org', 'Re', 'new', '', 'Re: new',"
        " 'A brand new reply for the benchmark.', '', '<new@bench>', '[]', 0, ?, ?)",
        (thread_id, datetime(2026, 1, 1).strftime(TIME_FORMAT), datetime(2026, 1, 1).strftime(TIME_FORMAT)))
    # A bulk write bypasses the ORM's change tracking, so it bumps updated_at itself (as the store asks).
    con.execute("UPDATE thread SET last_activity_at = ?, updated_at = ? WHERE id = ?",
                (datetime(2026, 1, 1).strftime(TIME_FORMAT), datetime.now(timezone.utc).strftime(TIME_FORMAT), thread_id))
    con.commit()
    con.close()


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident set size of this process and of its (waited-for) children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def hugo_site(db_path: Path, root: Path, threads: int) -> Path:
    """The same thread pages as Markdown for Hugo, with a minimal layout."""
    site = root / "hugo"
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "content" / "thread").mkdir(parents=True)
    (site / "config.toml").write_text(
        'baseURL = "http://127.0.0.1/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
    layout = ("<!DOCTYPE html><html lang=\"en\"><head><title>{{ .Title }}</title></head>"
              "<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>")
    (site / "layouts" / "_default" / "single.html").write_text(layout)
    (site / "layouts" / "_default" / "list.html").write_text(
        "<!DOCTYPE html><html lang=\"en\"><body><ul>{{ range first 50 .Pages }}<li><a href=\"{{ .RelPermalink }}\">"
        "{{ .Title }}</a></li>{{ end }}</ul></body></html>")
    con = sqlite3.connect(db_path)
    rows = con.execute(
        "SELECT t.id, t.title, m.from_name, m.sent_at, m.public_body FROM thread t JOIN thread_message m"
        " ON m.thread_id = t.id WHERE t.kind != 'letter' ORDER BY t.id, m.id")
    current, parts, title = None, [], ""
    for tid, ttitle, who, when, body in rows:
        if tid != current:
            if current is not None:
                _write_md(site, current, title, parts)
            current, parts, title = tid, [], ttitle
        parts.append(f"## {who}, {when}\n\n{body}\n")
    if current is not None:
        _write_md(site, current, title, parts)
    con.close()
    return site


def _write_md(site: Path, tid: int, title: str, parts: list[str]) -> None:
    folder = site / "content" / "thread" / str(tid)
    folder.mkdir()
    (folder / "index.md").write_text(f'---\ntitle: "{title}"\n---\n\n' + "\n".join(parts))


def run_hugo(site: Path) -> tuple[float, float]:
    """Time `hugo` over the site; (seconds, peak RSS in MB). Hugo is the largest child by far, so the
    children's maximum RSS after it ran is Hugo's."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(["hugo", "--quiet", "-s", str(site), "-d", str(site / "public")], check=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(after, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=4, help="messages per thread")
    parser.add_argument("--search", action="store_true", help="include Pagefind in the timed full build")
    parser.add_argument("--workers", type=int, default=0, help="render processes (0: one per CPU)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="archive-bench-"))
    if args.keep and root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    db_path, out = root / "bench.db", root / "site"
    try:
        started = time.perf_counter()
        generate(db_path, args.threads, args.messages)
        print(f"generated   {args.threads:,} threads / {args.threads * args.messages:,} messages"
              f" in {time.perf_counter() - started:.1f} s  ({db_path.stat().st_size / 1e6:.0f} MB)")
        config = ArchiveConfig(database_url=f"sqlite:///{db_path}", blob_dir=root / "blobs",
                               domain="bench.example", site_url="https://bench.example/")
        workers = args.workers or os.cpu_count() or 1

        started = time.perf_counter()
        report = build_site(config, out, full=True, search=args.search, workers=workers, progress=False)
        full_seconds = time.perf_counter() - started
        own, children = peak_rss_mb()
        ours_rss = own + (workers * children if workers > 1 else 0)  # upper bound: all workers at peak at once
        print(f"full build  {full_seconds:.2f} s  ({report.files_written:,} files,"
              f" {workers} processes, Pagefind {'included' if args.search else 'skipped: pass --search'});"
              f" of which the threads' own files {report.thread_seconds:.2f} s")
        print(f"peak RSS    main {own:.0f} MB, largest worker {children:.0f} MB; together at most {ours_rss:.0f} MB")

        # Like with like for Hugo: only the thread HTML pages, nothing else, into another fresh folder.
        started = time.perf_counter()
        pages = build_site(config, root / "pages-only", full=True, search=False, workers=workers, progress=False,
                           pages_only=True)
        pages_seconds = time.perf_counter() - started
        print(f"pages only  {pages_seconds:.2f} s  ({pages.files_written:,} thread pages, no JSON/Atom/mbox/lists)")
        shutil.rmtree(root / "pages-only", ignore_errors=True)

        timings = []
        for n in range(3):
            thread_id = args.threads // 2 + 2 * n + 1
            if thread_id % 50 == 1:
                thread_id += 1  # a letter: not public, would not need any page
            add_one_message(db_path, thread_id)
            started = time.perf_counter()
            report = build_site(config, out, full=False, search=False, workers=workers, progress=False)
            timings.append(time.perf_counter() - started)
        print(f"incremental {statistics.median(timings):.3f} s median of {', '.join(f'{t:.3f}' for t in timings)}"
              f" after one new message ({report.files_written} files rewritten; target <= 1 s; Pagefind skipped)")

        if args.no_hugo or not shutil.which("hugo"):
            print("hugo        " + ("skipped (--no-hugo)" if args.no_hugo else
                                    "not on PATH (apt-get install hugo), comparison skipped"))
            return
        site = hugo_site(db_path, root, args.threads)
        hugo_seconds, hugo_rss = run_hugo(site)
        print(f"hugo        {hugo_seconds:.2f} s, peak RSS {hugo_rss:.0f} MB (the thread pages from Markdown"
              f" and one list page)")
        print(f"ratio       pages only:  hugo/ours time = {hugo_seconds / pages_seconds:.2f} (target >= 1.0)")
        print(f"ratio       whole build: hugo/ours time = {hugo_seconds / full_seconds:.2f}"
              f" (ours also writes JSON, Atom and mbox per thread, lists and indexes)")
        print(f"ratio       memory: ours/hugo = {ours_rss / hugo_rss:.2f} (target <= 0.25)")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
