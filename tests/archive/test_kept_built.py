"""serve's archive builder (mailgate/runtime/archive_builder.py): builds when the store changed, paced.

Builds and Pagefind runs are counted against a clock the test moves, so the pace is checked
without waiting for it: a thread changing every 0.1 s for 3 s gets three or four builds, not
thirty; nothing changing gets none; and search is refreshed at most once a minute.
"""
from __future__ import annotations

import subprocess
import sys

from sqlmodel import Session

from mailgate.runtime.archive_builder import MIN_GAP, SEARCH_EVERY, Builder, archive_current
from store.models import Thread
from tests.archive.conftest import Store


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def edit(store: Store, thread_id: int, title: str) -> None:
    with Session(store.engine) as session:
        session.get(Thread, thread_id).title = title  # store/change_tracking.py bumps updated_at
        session.commit()


def test_changes_are_built_at_most_once_a_second_and_the_last_one_is_not_lost(tmp_path):
    store = Store(tmp_path).populate()
    clock, outdir = Clock(), tmp_path / "site"
    builder = Builder(store.config, outdir, activity=None, monotonic=clock)
    builder.step()
    assert builder.builds == 1 and archive_current(store.config, outdir)
    builds_before = builder.builds
    for step in range(30):  # a change every 0.1 s for 3 s
        clock.now += 0.1
        edit(store, store.ids["foi"], f"Pothole repair budget, edit {step}")
        builder.step()
    assert 2 <= builder.builds - builds_before <= 4  # one per MIN_GAP (1 s) of the 3 s, not thirty
    clock.now += MIN_GAP
    builder.step()  # the last edit, made after the last build, is built once the pause is over
    assert archive_current(store.config, outdir)
    assert "edit 29" in (outdir / "thread" / str(store.ids["foi"]) / "index.html").read_text()
    settled = builder.builds
    for _ in range(20):  # nothing changes: no build
        clock.now += 0.5
        builder.step()
    assert builder.builds == settled


def test_search_is_refreshed_at_most_once_a_minute(tmp_path):
    store = Store(tmp_path).populate()
    clock = Clock()
    builder = Builder(store.config, tmp_path / "site", activity=None, monotonic=clock)
    for step in range(10):  # ten builds of changes, 2 s apart: 18 s
        edit(store, store.ids["foi"], f"edit {step}")
        builder.step()
        clock.now += 2 * MIN_GAP
    assert builder.builds == 10 and builder.searches == 1
    clock.now += SEARCH_EVERY
    builder.step()  # the changes since are indexed once the minute is over, without another change
    assert builder.searches == 2 and builder.builds == 10


def test_the_builder_process_loads_no_orm_models_nor_the_workers(tmp_path):
    """Its memory counts in serve's (docs/performance.md): sqlmodel and pydantic alone are ~17 MB."""
    store = Store(tmp_path).populate()
    script = f"""
import sys
from pathlib import Path
from mailgate.runtime.archive_builder import Builder
from web_archive.config import ArchiveConfig
builder = Builder(ArchiveConfig(database_url={store.url!r}, blob_dir=Path({str(store.blob_dir)!r}), domain="archive.test"),
                  Path({str(tmp_path / "site")!r}), activity=None)
builder.step()
assert builder.builds == 1
print(" ".join(sorted({{name.split(".")[0] for name in sys.modules}})))
"""
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            timeout=120).stdout.split()
    assert "jinja2" in loaded and "sqlalchemy" in loaded  # it did render, from the store
    assert not {"sqlmodel", "pydantic", "pydantic_settings", "dramatiq", "flanker", "processors", "aiosmtpd"} & set(loaded)
