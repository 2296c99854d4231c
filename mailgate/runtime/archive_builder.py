"""The archive builder of `mailgate serve`: a child process that keeps the archive built.

`mailgate serve` starts it (mailgate/runtime/archive_keeper.py) as a fresh interpreter,
``python -m mailgate.runtime.archive_builder``, and writes one line of JSON on its stdin: the
ArchiveConfig, the folder, the log levels and the number of the inherited IngestActivity memfd.
End of file on stdin means serve has gone, and the builder leaves too.

It asks the store every POLL_SECONDS whether anything the archive shows may have changed
(web_archive/source.py's change_marker: four index lookups, no signal from the actors to lose),
and then builds incrementally (web_archive/build.py), at most one build per MIN_GAP and never
more than half of its time, and once the gateways have been quiet for a second (ingest first).
Pagefind re-indexes the whole site each run, so search is refreshed at most every SEARCH_EVERY.

Being a separate, niced process, its builds never hold up a gateway or an actor; killed at any
moment, it leaves the archive as a reader saw it (builds swap files in atomically) and the
next build redoes what was cut short.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

from mailgate.gateway.ingest_activity import IngestActivity
from mailgate.runtime.log_setup import FORMAT, apply
from store.clock import now as clock_now
from store.db import make_engine
from web_archive.build import build_site
from web_archive.config import ArchiveConfig
from web_archive.manifest import NAME as MANIFEST
from web_archive.search import SearchIndexError, index_site
from web_archive.source import change_marker, newest_update

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
MIN_GAP = 1.0        # seconds from the end of one build to the start of the next, at the least
SEARCH_EVERY = 60.0  # seconds between Pagefind runs, at the least
# Ingest first: build once the gateways have acknowledged nothing for INGEST_QUIET, or after
# INGEST_WAIT_AT_MOST of steady traffic (the archive then lags by that much at worst).
INGEST_QUIET = 1.0
INGEST_WAIT_AT_MOST = 30.0
NICENESS = 15        # below the actors (10): the archive is the least urgent work of serve


def handover(config: ArchiveConfig, outdir: Path, activity_fd: int, log_levels: dict[str, str]) -> bytes:
    """The line serve writes on the builder's stdin."""
    values = asdict(config) | {"blob_dir": str(config.blob_dir)}
    return json.dumps({"config": values, "outdir": str(outdir), "activity_fd": activity_fd,
                       "log_levels": log_levels}).encode() + b"\n"


def archive_current(config: ArchiveConfig, outdir: Path) -> bool:
    """Whether the last build saw every thread change the store has (its watermark is the newest)."""
    try:
        built = json.loads((outdir / MANIFEST).read_text())["watermark"]
    except (OSError, ValueError, KeyError):
        return False
    engine = make_engine(config.database_url, pool_size=1)
    try:
        with engine.connect() as conn:
            return bool(built == newest_update(conn))
    finally:
        engine.dispose()


class Builder:
    """Builds when the store changed (or the day did: deadlines pass), paced as the module says."""

    def __init__(self, config: ArchiveConfig, outdir: Path, activity: IngestActivity | None,
                 monotonic: Callable[[], float] = time.monotonic):
        self.config, self.outdir, self.activity, self.monotonic = config, outdir, activity, monotonic
        self.engine = make_engine(config.database_url, pool_size=1)
        self.builds = self.searches = 0  # counted, for the tests of the pace
        self.built: Any = None          # the change marker (and day) of the last good build
        self.next_build = 0.0           # monotonic time before which no build starts
        self.search_due = False         # pages changed since Pagefind last ran
        self.next_search = 0.0
        self.searching = True           # until Pagefind turns out to be missing

    def step(self) -> None:
        """One poll: build if something changed and the pace allows; refresh search when due."""
        now = self.monotonic()
        with self.engine.connect() as conn:
            marker = (change_marker(conn), clock_now().date())
        if marker != self.built and now >= self.next_build:
            if self.activity is not None:  # not during a burst: a build's long read holds back SQLite's checkpoints
                self.activity.wait_for_quiet(INGEST_QUIET, INGEST_WAIT_AT_MOST)
            started = self.monotonic()
            self.builds += 1
            try:
                report = build_site(self.config, self.outdir, search=False, workers=1, progress=False,
                                    today=marker[1])
            except Exception:
                log.exception("archive build of %s failed; trying again", self.outdir)
                self.next_build = self.monotonic() + 10 * MIN_GAP
                return
            self.built = marker
            self.search_due = self.search_due or report.rendered > 0 or report.removed > 0 or report.full
            took = self.monotonic() - started
            self.next_build = self.monotonic() + max(MIN_GAP, took)
            log.debug("archive: %s build, %d rendered in %.2f s", "full" if report.full else "incremental",
                      report.rendered, took)
        if self.search_due and self.searching and self.monotonic() >= self.next_search:
            self.search_due = False
            self.next_search = self.monotonic() + SEARCH_EVERY
            self.searches += 1
            try:
                index_site(self.outdir)
            except SearchIndexError as exc:
                self.searching = False
                log.warning("archive search index not built: %s (the pages are kept built)", exc)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format=FORMAT, stream=sys.stderr)
    line = sys.stdin.buffer.readline()
    if not line:  # serve stopped before it could hand over the settings
        return 0
    given = json.loads(line)
    apply(given["log_levels"])
    try:
        os.nice(NICENESS)
    except OSError:
        pass  # only the priority is lost
    config = ArchiveConfig(**(given["config"] | {"blob_dir": Path(given["config"]["blob_dir"])}))
    fd = given["activity_fd"]
    builder = Builder(config, Path(given["outdir"]), IngestActivity(fd) if fd is not None else None)
    gone = threading.Event()
    threading.Thread(target=_wait_for_end_of_file, args=(gone,), name="serve-gone", daemon=True).start()
    while not gone.is_set():
        try:
            builder.step()
        except Exception as exc:  # the store is away: ask again later, as the gateways do
            log.warning("archive builder cannot read the store: %s", exc)
            gone.wait(10 * POLL_SECONDS)
        gone.wait(POLL_SECONDS)
    return 0


def _wait_for_end_of_file(gone: threading.Event) -> None:
    while os.read(sys.stdin.fileno(), 4096):
        pass
    gone.set()


if __name__ == "__main__":
    sys.exit(main())
