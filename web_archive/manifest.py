"""The build manifest: what was published last time, so that the next build can do less.

Two files in OUTDIR: `.mailgate-build.json` (readable: versions, settings, counts) and
`.mailgate-build.threads`, the thread summaries as a pickle of plain tuples (several times
faster to read and write than JSON at 100,000 threads). It is read back with an unpickler
that refuses every class and function, so a tampered file cannot run code.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
from pathlib import Path

from templates import TEMPLATES_DIR
from web_archive.summary import Summary

NAME = ".mailgate-build.json"
THREADS = ".mailgate-build.threads"
VERSION = 5  # 5: summaries carry a report's days to fix


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{THREADS} may hold plain data only, not {module}.{name}")


def code_fingerprint() -> str:
    """A hash of the templates and the renderer's code: when either changes, rebuild everything."""
    digest = hashlib.sha256()
    for folder in (TEMPLATES_DIR / "archive", Path(__file__).resolve().parent):
        for path in sorted(folder.iterdir()):
            if path.suffix in (".py", ".html", ".xml", ".css", ".js"):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def load(root: Path) -> dict | None:
    """The last build's manifest, or None (no build yet, another version, damaged): then build in full."""
    try:
        with open(root / NAME, encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("version") != VERSION:
            return None
        with open(root / THREADS, "rb") as handle:
            rows = _PlainUnpickler(io.BytesIO(handle.read())).load()
    except (OSError, ValueError, pickle.UnpicklingError, EOFError):
        return None
    if len(rows) != data.get("threads"):
        return None  # the two files are from different builds
    make = Summary._make
    data["summaries"] = {row[1]: make(row) for row in rows}
    return data


def save(root: Path, *, code: str, config: str, today: str, summaries: dict[int, Summary] | None,
         authorities: dict[str, str], letters: str, watermark: str | None, threads: int = 0,
         categories: str = "") -> None:
    """Written last, each through a temporary file. A build that dies half way leaves the previous
    manifest, so the next build redoes whatever changed since then. `summaries=None` keeps the
    summaries file (of `threads` entries) and moves only the header (watermark, day)."""
    if summaries is not None:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=5)
        pickler.fast = True  # plain tuples, no shared or recursive objects: skip the (slow) memo
        pickler.dump([tuple(s) for s in summaries.values()])
        _replace(root / THREADS, buffer.getbuffer())
        threads = len(summaries)
    # watermark: the newest thread.updated_at when the build began; the next build reads what is newer.
    header = {"version": VERSION, "code": code, "config": config, "today": today, "threads": threads,
              "authorities": authorities, "letters": letters, "categories": categories, "watermark": watermark}
    _replace(root / NAME, json.dumps(header, ensure_ascii=False, indent=1).encode())


def _replace(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
