"""Builds: a new message rewrites only what it touches; hiding removes; --full redoes all; the CLI and search work."""
from __future__ import annotations

import json
import os
import threading
import urllib.request

from click.testing import CliRunner
from sqlmodel import Session

from mailgate.cli.archive import archive
from store.models import Attachment, Report, ReportStateChange, Thread
from tests.archive.conftest import ALLOWED_ADDRESS, EMAIL, TODAY, message, when
from web_archive.build import build_site


def snapshot(root):
    """{relative path: (inode, mtime_ns)}: os.replace gives a rewritten file a new inode."""
    return {str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


def changed_files(before, after):
    return sorted(k for k in after if before.get(k) != after[k])


def build(store, site, **kw):
    return build_site(store.config, site, today=TODAY, progress=False, search=False, **kw)


def test_nothing_new_writes_nothing(store, site):
    before = snapshot(site)
    report = build(store, site)
    assert not report.full and report.rendered == 0 and report.files_written == 0
    assert snapshot(site) == before


def test_a_new_reply_touches_its_thread_authority_and_indexes_only(store, site):
    before = snapshot(site)
    with Session(store.engine) as session:
        thread = session.get(Thread, store.ids["fresh"])
        session.add(message(thread, 59, "incoming", "reply", "The library opens at nine."))
        thread.last_activity_at = when(0)
        session.add(thread)
        session.commit()
    report = build(store, site)
    assert not report.full and report.rendered == 1
    changed = changed_files(before, snapshot(site))
    tid = store.ids["fresh"]
    expected = {f"thread/{tid}/{name}" for name in ("index.html", "thread.json", "feed.atom", "thread.mbox")}
    assert expected <= set(changed)
    assert {"index.html", "feed.atom", "api/threads.json", "authority/camden/index.html",
            "authority/camden/feed.atom", "authority/index.html", ".mailgate-build.json"} <= set(changed)
    other_threads = [c for c in changed if c.startswith("thread/") and not c.startswith(f"thread/{tid}/")]
    assert other_threads == []
    assert not [c for c in changed if c.startswith("authority/evil/")]
    assert "The library opens at nine." in (site / f"thread/{tid}/index.html").read_text()
    home = (site / "index.html").read_text()
    assert home.index("Library opening hours") < home.index("Broken streetlight")


def test_a_new_message_is_found_even_if_the_thread_row_is_untouched(store, site):
    before = snapshot(site)
    with Session(store.engine) as session:
        session.add(message(session.get(Thread, store.ids["report"]), 57, "incoming", "update", "Fixed today."))
        session.commit()
    assert build(store, site).rendered == 1
    assert "Fixed today." in (site / f"thread/{store.ids['report']}/index.html").read_text()
    # its photos are not decoded and encoded again: the copies published last time stay
    changed = changed_files(before, snapshot(site))
    assert f"thread/{store.ids['report']}/index.html" in changed and not [c for c in changed if "/photos/" in c]


def test_hiding_a_thread_removes_it_everywhere(store, site):
    tid = store.ids["fresh"]
    with Session(store.engine) as session:
        thread = session.get(Thread, tid)
        thread.hidden = True
        session.add(thread)
        session.commit()
    report = build(store, site)
    assert report.removed == 1 and not (site / f"thread/{tid}").exists()
    assert "Library opening hours" not in (site / "index.html").read_text()
    assert tid not in [t["id"] for t in json.loads((site / "api/threads.json").read_text())["threads"]]


def test_withholding_an_attachment_deletes_the_published_file(store, site):
    folder = site / f"thread/{store.ids['foi']}/attachments/{store.ids['released']}"
    assert (folder / "budget.csv").exists()
    with Session(store.engine) as session:
        attachment = session.get(Attachment, store.ids["released"])
        attachment.released = False
        session.add(attachment)
        thread = session.get(Thread, store.ids["foi"])
        thread.last_activity_at = when(1)  # an operator action touches the thread (see docs/archive.md)
        session.add(thread)
        session.commit()
    build(store, site)
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]


def test_full_rebuilds_everything_and_removes_strays(store, site):
    (site / "thread" / "999999").mkdir()
    (site / "thread" / "999999" / "index.html").write_text("stale")
    before = snapshot(site)
    report = build(store, site, full=True)
    assert report.full and report.rendered == 6
    after = snapshot(site)
    assert not (site / "thread/999999").exists()
    unchanged = sorted(k for k in after if k not in changed_files(before, after))
    # binary files are linked from the old site; text ones are their public text, written (and scrubbed) again,
    # and images are re-encoded again (new code may encode them differently: web_archive/photos.py)
    images = (".jpg", ".png")
    assert unchanged == sorted(k for k in after if "/attachments/" in k
                               and not k.endswith(("index.html", ".txt", ".csv", *images)))
    assert any(k.endswith("photo.jpg") for k in after) and not any(k.endswith(images) for k in unchanged)


def test_deadlines_passing_rerender_the_thread(store, site):
    tid = store.ids["fresh"]
    report = build_site(store.config, site, today=TODAY.replace(month=5), progress=False, search=False)
    assert tid in [int(p) for p in os.listdir(site / "thread")]
    assert report.rendered >= 1
    assert "overdue" in (site / f"thread/{tid}/index.html").read_text()


def test_no_temporary_files_are_left(store, site):
    assert not [p for p in site.rglob("*") if ".tmp" in p.name]


def test_cli_build_with_search_and_serve(store, tmp_path):
    out = tmp_path / "cli-site"
    runner = CliRunner()
    result = runner.invoke(archive, ["build", str(out)], obj=lambda: store.settings, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "full build" in result.output and "search index rebuilt" in result.output
    bundle = out / "pagefind"
    assert (bundle / "pagefind-ui.js").exists() and (bundle / "pagefind-entry.json").exists()
    for path in bundle.rglob("*"):
        if path.is_file():
            for address in EMAIL.findall(path.read_bytes().decode("utf-8", errors="replace")):
                assert ALLOWED_ADDRESS.fullmatch(address), (address, path)
    search = (out / "search/index.html").read_text()
    assert 'src="../pagefind/pagefind-ui.js"' in search and 'src="../static/search.js"' in search
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] >= 5

    again = runner.invoke(archive, ["build", str(out)], obj=lambda: store.settings)
    assert again.exit_code == 0 and "incremental build" in again.output

    missing = runner.invoke(archive, ["serve", str(tmp_path / "nothing-built")], obj=lambda: store.settings)
    assert missing.exit_code != 0

    from web_archive.serve import make_server
    server = make_server(out, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with urllib.request.urlopen(base + f"thread/{store.ids['foi']}/") as response:
            assert "Pothole repair budget 2025" in response.read().decode()
        with urllib.request.urlopen(base + "feed.atom") as response:
            assert response.headers["Content-Type"] == "application/atom+xml"
    finally:
        server.shutdown()
        server.server_close()


def test_cli_without_settings_says_what_to_do(tmp_path):
    result = CliRunner().invoke(archive, ["build", str(tmp_path / "x")])
    assert result.exit_code != 0 and "mailgate archive" in result.output


def test_a_change_to_a_reports_own_rows_rerenders_its_page(store, site):
    tid = store.ids["report_postcode"]
    with Session(store.engine) as session:
        report = session.get(Report, tid)
        report.category = "Graffiti"
        session.add(report)
        session.commit()
    assert build(store, site).rendered == 1
    page = (site / f"thread/{tid}/index.html").read_text()
    assert ">Graffiti</dd>" in page
    assert "graffiti" in (site / "api/open311/services.json").read_text()
    with Session(store.engine) as session:  # an operator's correction recorded on its own, the thread row untouched
        session.add(ReportStateChange(thread_id=tid, state="investigating", source="operator", at=when(1)))
        session.commit()
    assert build(store, site).rendered == 1
    assert "the site&#39;s operator" in (site / f"thread/{tid}/index.html").read_text()
