"""The shape of the code base that the import contracts (pyproject.toml) cannot check."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("mailgate", "processors", "store", "web_archive")
# Reaching for the system clock directly, instead of the context's (or the store's) clock.
SYSTEM_CLOCK = re.compile(r"\b(?:utcnow|datetime\.now|date\.today|datetime\.today)\(")


def modules(*packages: str):
    for package in packages:
        yield from (path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)


def test_processing_asks_the_one_clock_for_now():
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path in modules("processors", "store", "mailgate")
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if SYSTEM_CLOCK.search(line) and path.name != "clock.py"]
    assert offenders == []


def test_modules_stay_small():
    too_long = {str(path.relative_to(ROOT)): n for path in modules(*PACKAGES)
                if (n := len(path.read_text().splitlines())) > 400}
    assert too_long == {}
