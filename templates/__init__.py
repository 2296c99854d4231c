"""Every word a person reads: mail bodies (mail/) and archive pages (archive/)."""
from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent
