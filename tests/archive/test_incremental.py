"""Incremental builds read only what changed (thread.updated_at), and a full rebuild is swapped in whole."""
from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from store.models import Attachment, Counterpart, ThreadMessage
from tests.archive.conftest import TODAY
from web_archive import build as build_module
from web_archive.build import build_site
from web_archive.changes import deadline_windows
from web_archive.files import leftovers
from web_archive.pages import Site


def build(store, site, **kw):
    return build_site(store.config, site, today=kw.pop("today", TODAY), progress=False, search=False, **kw)


def test_an_operator_hiding_a_message_is_picked_up_without_touching_the_thread(store, site):
    tid = store.ids["foi"]
    assert "Here is the budget" in (site / f"thread/{tid}/index.html").read_text()
    with Session(store.engine) as session:  # the operator hides the reply, nothing else
        session.get(ThreadMessage, store.ids["reply"]).hidden = True
        session.commit()
    report = build(store, site)
    assert not report.full and report.rendered == 1
    assert "Here is the budget" not in (site / f"thread/{tid}/index.html").read_text()
    assert "Here is the budget" not in (site / f"thread/{tid}/thread.json").read_text()
    # ... and the files of the hidden reply are no longer published
    assert not (site / f"thread/{tid}/attachments/{store.ids['released']}").exists()


def test_releasing_a_file_is_picked_up(store, site):
    tid, aid = store.ids["foi"], store.ids["withheld"]
    assert not (site / f"thread/{tid}/attachments/{aid}/review.pdf").exists()
    with Session(store.engine) as session:
        session.get(Attachment, aid).released = True
        session.commit()
    assert build(store, site).rendered == 1
    assert (site / f"thread/{tid}/attachments/{aid}/review.pdf").exists()


def test_renaming_an_authority_rerenders_its_threads_only(store, site):
    with Session(store.engine) as session:
        session.get(Counterpart, store.ids["evil"]).name = "Renamed Authority"
        session.commit()
    report = build(store, site)
    assert report.rendered == 1
    assert "Renamed Authority" in (site / f"thread/{store.ids['hostile']}/index.html").read_text()


def test_a_thread_deleted_outright_is_removed(store, site):
    tid = store.ids["fresh"]
    with store.engine.begin() as conn:  # no ORM, no updated_at: only the count can tell
        conn.execute(sa.text("DELETE FROM thread_message WHERE thread_id = :t"), {"t": tid})
        conn.execute(sa.text("DELETE FROM thread WHERE id = :t"), {"t": tid})
    report = build(store, site)
    assert report.removed == 1 and not (site / f"thread/{tid}").exists()
    assert tid not in [t["id"] for t in json.loads((site / "api/threads.json").read_text())["threads"]]


def test_nothing_changed_but_the_day_moves_only_the_manifest_header(store, site):
    report = build(store, site, today=TODAY + timedelta(days=1))
    assert report.rendered == 0 and json.loads((site / ".mailgate-build.json").read_text())["today"] == str(
        TODAY + timedelta(days=1))


def test_deadline_windows_select_the_sending_days_whose_deadline_passed(store):
    site = Site(store.config, {}, TODAY)
    before, after = TODAY, TODAY + timedelta(days=3)
    windows = deadline_windows(site, before, after)
    assert windows and all(first < last for first, last in windows)
    for first, last in windows:
        day = first
        while day < last:
            due, very_due = site.due_of("foi", day.isoformat())
            assert before <= due < after or before <= very_due < after
            day += timedelta(days=1)
    assert deadline_windows(site, TODAY, TODAY) == []


def test_a_full_rebuild_leaves_the_live_site_untouched_until_it_is_swapped_in(store, site, monkeypatch):
    live = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (site / "robots.txt").write_text("User-agent: *\n")  # not ours: kept across full rebuilds
    seen = {}
    real_swap = build_module.swap_in

    def swap(fresh, root):
        seen["live"] = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
                        if p.is_file() and p.name != "robots.txt"}
        seen["fresh"] = fresh
        real_swap(fresh, root)

    monkeypatch.setattr(build_module, "swap_in", swap)
    build(store, site, full=True)
    assert seen["live"] == live  # not one file of the live site was written during the build
    assert not seen["fresh"].exists() and (site / "robots.txt").exists()
    deadline = time.monotonic() + 20  # the old tree is deleted by a detached process
    while leftovers(site) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(site) == []


def test_a_full_rebuild_that_dies_half_way_leaves_the_old_site(store, site, monkeypatch):
    before = {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(build_module, "_write_lists", explode)
    with pytest.raises(RuntimeError):
        build(store, site, full=True)
    assert {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert not [p for p in site.parent.iterdir() if ".building-" in p.name]


def test_readers_always_find_a_whole_site_during_full_rebuilds(store, site):
    stop, problems = threading.Event(), []
    tid = store.ids["foi"]

    def read():
        while not stop.is_set():
            try:
                home = (site / "index.html").read_text()
                page = (site / f"thread/{tid}/index.html").read_text()
                if not home.rstrip().endswith("</html>") or not page.rstrip().endswith("</html>"):
                    problems.append("half a page")
            except OSError as exc:
                problems.append(repr(exc))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(5):
            build(store, site, full=True)
    finally:
        stop.set()
        reader.join()
    assert problems == []
