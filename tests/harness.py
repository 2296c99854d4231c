"""Test helpers: the embedded service and mail catcher under their test names, and .eml templates."""
from __future__ import annotations

import re
from pathlib import Path

from mailgate.embedded import BackgroundService as LiveService
from mailgate.embedded import MailCatcher as RelayCatcher
from mailgate.embedded import free_port

__all__ = ["LiveService", "RelayCatcher", "free_port", "fill_template"]


def fill_template(path: Path, **values: str) -> bytes:
    """A real .eml from tests/data with {{NAME}} placeholders filled (addresses and ids of this run)."""
    raw = path.read_bytes()
    for name, value in values.items():
        raw = raw.replace(b"{{" + name.encode() + b"}}", value.encode())
    return re.sub(rb"(?<!\r)\n", b"\r\n", raw)  # on the wire, as a mail client sends it
