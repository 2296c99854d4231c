"""The last line of defence: anything that looks like an email address in output becomes "[email address]";
a binary file with one in its bytes, which cannot be rewritten, is not published at all.

Addresses whose "@" came encoded (%40, =40, &#64; ...) are redacted where text enters the store
(processors/understanding/redact.py), once per message: scanning every page of every build for
them cost ten times this scan.
"""
from __future__ import annotations

import mmap
import os
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


# In a binary file an address is searched for in the two encodings text is stored in uncompressed: ASCII
# (UTF-8, Latin-1: PDF text, RTF, old Office) and UTF-16LE (Office, Windows). Compressed data is noise in which
# "@" is every 256th byte, so the shape asked for is stricter than in text: two characters before the "@",
# a first domain label of two and a final one of 2-24 letters: a chance match about once in 500 MB of noise
# (none in 256 MB of random bytes, where the text scan's shape matched 83 times); scanned at ~400 MB/s.
_BYTES_AFTER_AT = re.compile(rb"@[A-Za-z0-9-]{2,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])")
_UTF16_AFTER_AT = re.compile(rb"@\x00(?:[A-Za-z0-9-]\x00){2,63}(?:\.\x00(?:[A-Za-z0-9-]\x00){1,63})*"
                             rb"\.\x00(?:[A-Za-z]\x00){2,24}(?!\x00|[A-Za-z0-9-]\x00)")
_LOCAL_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-")


def address_in_bytes(data: bytes | mmap.mmap, allowed: re.Pattern[str] | None = None) -> bool:
    """Does `data` carry an email address (other than an `allowed` one) in the clear?

    >>> address_in_bytes(b"%PDF-1.4 (Write to jo.bloggs@example.org) Tj"), address_in_bytes(b"@ab.cd x@ab.cd")
    (True, False)
    >>> address_in_bytes("Minutes by kim@council.example".encode("utf-16-le"))
    True
    """
    for pattern, width in ((_BYTES_AFTER_AT, 1), (_UTF16_AFTER_AT, 2)):
        for match in pattern.finditer(data):
            start = match.start()
            while start >= width and data[start - width] in _LOCAL_BYTES and (width == 1 or data[start - 1] == 0) \
                    and match.start() - start < 64 * width:
                start -= width
            if match.start() - start < 2 * width:
                continue
            address = bytes(data[start:match.end()]).decode("utf-16-le" if width == 2 else "ascii")
            if allowed is None or not allowed.fullmatch(address):
                return True
    return False


def file_has_address(path: str | os.PathLike, allowed: re.Pattern[str] | None = None) -> bool:
    """address_in_bytes for a file, read through the page cache without copying it into memory."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return False
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return address_in_bytes(data, allowed)
