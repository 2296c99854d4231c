"""Build the static archive: render changed threads (in parallel), then lists, feeds and indexes, then search.

Order matters for readers of a live site: thread files first, then authority pages, then the
site-wide lists and `index.html`, then the search index, and the manifest last. Every file is
swapped in with os.replace, so a reader never sees half a file.
"""
from __future__ import annotations

import gc
import hashlib
import heapq
import multiprocessing
import os
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tqdm import tqdm

from store.db import make_engine
from web_archive import manifest
from web_archive.api import index_entry, open311_entry, open311_requests, open311_services, thread_json, threads_index
from web_archive.attachment_files import offer_file, remove_stale_attachments
from web_archive.changes import find_candidates
from web_archive.config import ArchiveConfig
from web_archive.feeds import summaries_feed, thread_feed
from web_archive.files import OutputTree, carry_over, fresh_sibling, swap_in
from web_archive.images import PAGE_COPY
from web_archive.lists import (
    render_about,
    render_area,
    render_authorities,
    render_authority,
    render_home,
    render_reports,
    render_representatives,
    render_search,
)
from web_archive.mbox import thread_mbox
from web_archive.pages import TEMPLATE_DIR, Site, attachment_path, render_attachment, render_thread
from web_archive.photos import publish_report_photos
from web_archive.report_source import report_categories, with_reports
from web_archive.search import BUNDLE, index_site
from web_archive.source import (
    ThreadView,
    chunked,
    letter_outcomes,
    load_authorities,
    load_threads,
    newest_update,
    scan_threads,
)
from web_archive.stats import AuthorityStats, authority_stats, responsiveness
from web_archive.summary import Summary, summarise

CHUNK = 1000  # threads per unit of parallel work


@dataclass
class BuildReport:
    full: bool
    threads: int           # public threads in the archive
    rendered: int          # thread pages (re)written
    removed: int           # threads no longer public, deleted
    files_written: int
    searched: bool
    seconds: float
    thread_seconds: float = 0.0  # of which rendering and writing the threads' own files


def build_site(config: ArchiveConfig, outdir: str | os.PathLike, *, full: bool = False, search: bool = True,
               workers: int = 1, progress: bool | None = None, today: date | None = None,
               pages_only: bool = False) -> BuildReport:
    """Render the public part of the store into `outdir`; only what changed unless `full`.

    `pages_only` (for the benchmark's like-with-like comparison) writes just each thread's HTML page into
    a fresh `outdir`, and no lists, feeds, JSON, mbox or manifest.
    """
    # Hundreds of thousands of small tuples and no reference cycles worth collecting: the cyclic
    # garbage collector would only walk them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(config, Path(outdir), full=full, search=search, workers=workers, progress=progress,
                      today=today or date.today(), pages_only=pages_only)
    finally:
        if collecting:
            gc.enable()


def _build(config: ArchiveConfig, root: Path, *, full: bool, search: bool, workers: int, progress: bool | None,
           today: date, pages_only: bool) -> BuildReport:
    started = time.perf_counter()
    code = manifest.code_fingerprint()
    old = None if full or pages_only else manifest.load(root)
    if old is not None and (old["code"] != code or old["config"] != config.fingerprint()):
        old = None
    engine = make_engine(config.database_url)
    try:
        with engine.connect() as conn:
            authorities = load_authorities(conn)
            letters = letter_outcomes(conn)
            watermark = newest_update(conn)  # read before the rows: later changes are seen next time
            site = Site(config, authorities, today)
            site.categories = report_categories(conn)
            authority_keys = {a.slug: repr((a.id, a.name, a.url, a.tags)) for a in authorities.values()}
            candidates = None
            if old is not None:
                edited = {a.id for a in authorities.values() if old["authorities"].get(a.slug) != authority_keys[a.slug]}
                candidates = find_candidates(conn, site, old, old["summaries"], edited)
            if candidates is None:
                old = None
                rows = scan_threads(conn)
    finally:
        engine.dispose()
    full = old is None
    previous: dict[int, Summary] = {} if full else old["summaries"]
    if full:
        keys = _keys(site, rows, authority_keys)
        changed = list(rows)
        removed: list[int] = []
        live = None if pages_only else root
        target = root if pages_only else fresh_sibling(root)
        fresh = target is not None
        if not fresh:  # cannot make a sibling folder (permissions): rewrite the live site file by file
            target = root
    else:
        rows = candidates.rows
        keys = _keys(site, rows, authority_keys)
        changed = [tid for tid, (key, _) in keys.items() if tid not in previous or previous[tid].key != key]
        removed = sorted(candidates.gone)
        live, target, fresh = root, root, False
    target.mkdir(parents=True, exist_ok=True)
    try:
        return _write(config, site, root, target, fresh, live, rows, changed, keys, removed, previous, old,
                      authority_keys, letters, watermark, code, search, workers, progress, pages_only, started)
    except BaseException:
        if fresh:  # the live site was never touched: drop the half-built tree
            shutil.rmtree(target, ignore_errors=True)
        raise


def _write(config, site, root, target, fresh, live, rows, changed, keys, removed, previous, old, authority_keys,
           letters, watermark, code, search, workers, progress, pages_only, started) -> BuildReport:
    """Threads, then lists, static files and search, then the manifest; a fresh tree is swapped in last."""
    full, authorities, today = old is None, site.authorities, site.today
    out = OutputTree(target, site.allowed, fresh=fresh)

    rendering = time.perf_counter()
    rendered = _render_threads(config, site, rows, changed, keys, target, workers, progress,
                               clean=not fresh, previous=live if fresh else None, pages_only=pages_only, reuse=not full)
    thread_seconds = time.perf_counter() - rendering
    out.written += rendered.pop(None, 0)
    if pages_only:
        return BuildReport(True, len(rows), len(rendered), 0, out.written, False, time.perf_counter() - started,
                           thread_seconds)
    summaries = dict(previous) if not full else {}
    for tid in removed:
        summaries.pop(tid, None)
        out.remove(f"thread/{tid}")
    summaries.update(rendered)

    old_authorities = {} if full else old["authorities"]
    touched = {s.authority_id for s in rendered.values()} | {previous[t].authority_id for t in removed}
    touched |= {previous[t].authority_id for t in rendered if t in previous}
    touched_slugs = {authorities[a].slug for a in touched if a in authorities}
    touched_slugs |= {slug for slug, key in authority_keys.items() if old_authorities.get(slug) != key}
    letters_key = repr(letters)
    categories_key = repr(site.categories)
    anything = (full or bool(rendered or removed or touched_slugs) or old["letters"] != letters_key
                or old.get("categories") != categories_key)
    if anything:
        _write_lists(site, out, summaries, letters, touched_slugs if not full else set(authority_keys))
        for slug in set(old_authorities) - set(authority_keys):
            out.remove(f"authority/{slug}")
            out.remove(f"reports/{slug}")
    if full:
        _write_static(site, out)
        if fresh:
            carry_over(root, target, skip={"thread", "authority", "reports", BUNDLE} if search else
                       {"thread", "authority", "reports"})
        else:
            _remove_strays(target, rows, authority_keys)
    searched = False
    if search and (anything or not (target / BUNDLE).exists()):
        index_site(target)
        searched = True
    header = dict(code=code, config=config.fingerprint(), today=today.isoformat(), authorities=authority_keys,
                  letters=letters_key, categories=categories_key, watermark=watermark)
    if anything:
        manifest.save(target, summaries=summaries, **header)
    elif (old["watermark"], old["today"]) != (watermark, header["today"]):
        manifest.save(target, summaries=None, threads=len(summaries), **header)  # the summaries are unchanged
    if fresh:
        swap_in(target, root)
    return BuildReport(full, len(summaries), len(rendered), len(removed), out.written, searched,
                       time.perf_counter() - started, thread_seconds)


def _keys(site: Site, rows: dict[int, tuple], authority_keys: dict[str, str]) -> dict[int, tuple[int, str]]:
    """{id: (key, public state)}. The key hashes what a thread's pages depend on: its row (with updated_at,
    which moves when a message or file of it changes), its public state today, and its authority's row."""
    by_id = {a.id: authority_keys[a.slug] for a in site.authorities.values()}
    state_of, digest = site.state_of, hashlib.blake2b
    keys = {}
    for tid, row in rows.items():
        # row: id, kind, title, state, awaiting_classification, authority_id, citizen_name, created, sent, ...
        state = state_of(row[1], row[3], row[4], row[8]) if row[1] == "foi" else row[3]
        key = digest(f"{row!r}{state}{by_id.get(row[5], '')}".encode(), digest_size=8).digest()
        keys[tid] = (int.from_bytes(key, "big") >> 1, state)  # >> 1: stays a small-ish positive int
    return keys


# -- threads -----------------------------------------------------------------------------------------

_WORKER: dict = {}  # set before forking: the children inherit it instead of unpickling 100,000 rows


def _render_threads(config, site, rows, changed, keys, root, workers, progress, clean, previous,
                    pages_only, reuse) -> dict:
    """Render the `changed` threads; returns {thread_id: Summary, None: files written}."""
    if not changed:
        return {}
    _WORKER.update(config=config, site=site, rows=rows, keys=keys, root=root, clean=clean, previous=previous,
                   pages_only=pages_only, reuse=reuse)
    chunks = chunked(changed, CHUNK)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=len(changed), unit="thread", desc="threads", disable=not show, file=sys.stderr)
    results: dict = {None: 0}
    try:
        if workers > 1 and len(chunks) > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
                for summaries, written in pool.imap_unordered(_render_chunk, chunks):
                    _collect(results, summaries, written, bar)
        else:
            for chunk in chunks:
                _collect(results, *_render_chunk(chunk), bar)
    finally:
        bar.close()
        _WORKER.clear()
    return results


def _collect(results: dict, summaries: list[Summary], written: int, bar) -> None:
    for s in summaries:
        results[s.id] = s
    results[None] += written
    bar.update(len(summaries))


def _render_chunk(ids: list[int]) -> tuple[list[Summary], int]:
    config, site, rows = _WORKER["config"], _WORKER["site"], _WORKER["rows"]
    previous, pages_only = _WORKER["previous"], _WORKER["pages_only"]
    out = OutputTree(_WORKER["root"], site.allowed, fresh=previous is not None or pages_only, previous=previous)
    engine = make_engine(config.database_url)
    summaries = []
    try:
        with engine.connect() as conn:
            for view in with_reports(conn, load_threads(conn, rows, sorted(ids))):
                if pages_only:
                    out.write_text(f"thread/{view.row.id}/index.html", render_thread(site, view))
                    continue
                write_thread(site, out, view, config.blob_dir, clean=_WORKER["clean"], reuse=_WORKER["reuse"])
                key, state = _WORKER["keys"][view.row.id]
                summaries.append(summarise(view, key, state, index_entry(site, view.row, state),
                                           open311_entry(site, view)))
    finally:
        engine.dispose()
    return summaries, out.written


def write_thread(site: Site, out: OutputTree, view: ThreadView, blob_dir: Path, clean: bool,
                 reuse: bool = False) -> None:
    """All files of one thread: page, JSON, Atom, mbox, each attachment with its text view, a report's photos.
    `reuse`: an incremental build, which keeps the re-encoded images it finds (web_archive/photos.py)."""
    tid = view.row.id
    base = f"thread/{tid}/"
    if view.report is not None:
        publish_report_photos(out, base, view.report, Path(blob_dir), reuse)
    kept: dict[str, set[str]] = {}
    for message in view.messages:
        for attachment in message.attachments:
            folder, file = attachment_path(tid, attachment)
            names = kept.setdefault(folder.rsplit("/", 2)[-2], {"index.html"})
            if attachment.released:
                if offer_file(out, folder, file, attachment, Path(blob_dir), site.allowed, reuse):
                    names.add(file.rsplit("/", 1)[1])
                    names.add(PAGE_COPY + file.rsplit(".", 1)[1])
                else:
                    attachment.released = False  # nothing to offer: say so rather than link to nothing
            out.write_text(folder + "index.html", render_attachment(site, view, message, attachment))
    if clean:
        remove_stale_attachments(out, base + "attachments", kept)
    out.write_text(base + "thread.json", thread_json(site, view))
    out.write_text(base + "feed.atom", thread_feed(site, view))
    out.write_text(base + "thread.mbox", thread_mbox(view))
    out.write_text(base + "index.html", render_thread(site, view))


# -- lists, feeds, indexes ----------------------------------------------------------------------------

def _by_activity(items) -> list[Summary]:
    return sorted(items, key=lambda s: (s.last_activity_at, s.id), reverse=True)


def _write_lists(site: Site, out: OutputTree, summaries: dict[int, Summary], letters, slugs: set[str]) -> None:
    everything = list(summaries.values())
    stats = authority_stats(everything)
    grouped: dict[int, list[Summary]] = {}
    for s in everything:
        grouped.setdefault(s.authority_id, []).append(s)
    for authority in site.authorities.values():
        if authority.slug not in slugs:
            continue
        threads = _by_activity(grouped.get(authority.id, ()))
        base = f"authority/{authority.slug}/"
        out.write_text(base + "index.html",
                       render_authority(site, authority, threads, stats.get(authority.id, AuthorityStats())))
        out.write_text(base + "feed.atom", summaries_feed(site, authority.name, threads[:site.config.latest], base))
        reports = [s for s in threads if s.kind == "report"]
        if reports:
            folder = f"reports/{authority.slug}/"
            out.write_text(folder + "index.html", render_area(site, authority, reports, stats[authority.id]))
            out.write_text(folder + "feed.atom", summaries_feed(site, f"Problem reports: {authority.name}",
                                                                reports[:site.config.latest], folder))
        else:
            out.remove(f"reports/{authority.slug}")
    areas = [(a, stats[a.id]) for a in sorted(site.authorities.values(), key=lambda a: a.name.lower())
             if a.id in stats and stats[a.id].reports]
    out.write_text("reports/index.html", render_reports(site, areas))
    out.write_text("authority/index.html", render_authorities(site, stats))
    out.write_text("about/index.html", render_about(site, stats))
    out.write_text("representatives/index.html", render_representatives(site, responsiveness(letters)))
    out.write_text("api/threads.json", threads_index(site, everything))
    out.write_text("api/open311/services.json", open311_services(site))
    out.write_text("api/open311/requests.json", open311_requests(everything))
    latest = heapq.nlargest(site.config.latest, everything, key=lambda s: (s.last_activity_at, s.id))
    out.write_text("feed.atom", summaries_feed(site, f"{site.config.service_name}: latest activity", latest, ""))
    counts = {"foi": sum(1 for s in everything if s.kind == "foi"), "report": stats_reports(stats)}
    reports = heapq.nlargest(site.config.latest, (s for s in everything if s.kind == "report"),
                             key=lambda s: (s.last_activity_at, s.id))
    out.write_text("index.html", render_home(site, latest, counts, reports))


def stats_reports(stats: dict[int, AuthorityStats]) -> int:
    return sum(s.reports for s in stats.values())


def _write_static(site: Site, out: OutputTree) -> None:
    out.write_bytes("static/archive.css", (TEMPLATE_DIR / "archive.css").read_bytes())
    out.write_bytes("static/search.js", (TEMPLATE_DIR / "search.js").read_bytes())
    out.write_text("search/index.html", render_search(site))


def _remove_strays(root: Path, rows: dict[int, tuple], authority_keys: dict[str, str]) -> None:
    """After a full build: delete pages of threads and authorities that are no longer public."""
    for folder, keep in (("thread", {str(t) for t in rows}), ("authority", set(authority_keys) | {"index.html"}),
                         ("reports", set(authority_keys) | {"index.html"})):
        path = root / folder
        if not path.is_dir():
            continue
        for entry in os.listdir(path):
            if entry not in keep:
                OutputTree(root).remove(f"{folder}/{entry}")
