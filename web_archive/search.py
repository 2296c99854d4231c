"""Client-side search: run the Pagefind binary (from the pagefind_bin package) over the built site."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from web_archive.scrub import scrub

BUNDLE = "pagefind"  # OUTDIR/pagefind/: index, pagefind-ui.js and pagefind-ui.css, served from the site


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed; the message says which."""


def pagefind_executable() -> str:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        found = shutil.which("pagefind")
        if found:
            return found
        raise SearchIndexError("Pagefind not found: pip install 'pagefind[bin]' (or build with --no-search)") from None
    return str(get_executable())


def index_site(root: str | os.PathLike) -> None:
    """Index every page marked data-pagefind-body, into a fresh folder that replaces the old one at once."""
    root = Path(root).resolve()
    fresh, stale, bundle = root / ".pagefind-new", root / ".pagefind-old", root / BUNDLE
    for folder in (fresh, stale):
        shutil.rmtree(folder, ignore_errors=True)
    command = [pagefind_executable(), "--site", str(root), "--output-path", str(fresh), "--silent",
               "--force-language", "en"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    _scrub_bundle(fresh)
    if bundle.exists():
        os.replace(bundle, stale)
    os.replace(fresh, bundle)
    shutil.rmtree(stale, ignore_errors=True)


def _scrub_bundle(folder: Path) -> None:
    """Pagefind's UI scripts credit their translators with email addresses; the site shows none."""
    for path in folder.rglob("*"):
        if path.suffix in (".js", ".css", ".json") and path.is_file():
            text = path.read_text(encoding="utf-8")
            cleaned = scrub(text)
            if cleaned != text:
                path.write_text(cleaned, encoding="utf-8")
