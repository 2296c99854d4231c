"""The last line of defence: anything that looks like an email address in output becomes "[email address]".

Addresses whose "@" came encoded (%40, =40, &#64; ...) are redacted where text enters the store
(processors/understanding/redact.py), once per message: scanning every page of every build for
them cost ten times this scan.
"""
from __future__ import annotations

import re

REPLACEMENT = "[email address]"
# The same shape the tests scan for: [\w.+-]+@[\w-]+\.[\w.]+ ; found from the "@" outwards, which is
# much faster than letting the regex engine try every start position of every word.
_AFTER_AT = re.compile(r"@[\w-]+\.[\w.]+")
_LOCAL_CHARS = re.compile(r"[\w.+-]")


def scrub(text: str, allowed: re.Pattern[str] | None = None) -> str:
    """Replace every email-like string not matched by `allowed`.

    >>> scrub("write to jo.bloggs+foi@example.co.uk today")
    'write to [email address] today'
    >>> scrub("mailto:report@x.org?subject=hi", re.compile("report@x.org"))
    'mailto:report@x.org?subject=hi'
    """
    if "@" not in text:
        return text
    pieces, done = [], 0
    for match in _AFTER_AT.finditer(text):
        start = match.start()
        while start > done and _LOCAL_CHARS.match(text, start - 1):
            start -= 1
        if start == match.start():
            continue  # "@" with nothing before it: not an address
        if allowed is not None and allowed.fullmatch(text, start, match.end()):
            continue
        pieces.append(text[done:start])
        pieces.append(REPLACEMENT)
        done = match.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)
