"""The last line of defence: anything that looks like an email address in output becomes "[email address]"."""
from __future__ import annotations

import re

REPLACEMENT = "[email address]"
# The same shape the tests scan for: [\w.+-]+@[\w-]+\.[\w.]+ ; found from the "@" outwards, which is
# much faster than letting the regex engine try every start position of every word. The "@" may
# also come encoded, as a mail or a link carried it: %40 (URLs), =40 (quoted-printable), &#64;,
# &#x40; or &commat; (HTML, once more escaped as &amp;... when the text was escaped for a page).
_AT = r"(?:@|%40|=40|&(?:amp;)?(?:#0*64|#[xX]0*40|commat);)"
_AFTER_AT = re.compile(_AT + r"[\w-]+(?:\.|%2[eE])[\w.%-]+")
_LOCAL_CHARS = re.compile(r"[\w.+-]")
# Plain substring tests first: most pages hold none of these, and `in` is much cheaper than a regex.
_AT_HINTS = ("@", "%40", "=40", "64;", "40;", "commat;")


def scrub(text: str, allowed: re.Pattern | None = None) -> str:
    """Replace every email-like string not matched by `allowed`.

    >>> scrub("write to jo.bloggs+foi@example.co.uk today")
    'write to [email address] today'
    >>> scrub("mailto:report@x.org?subject=hi", re.compile("report@x.org"))
    'mailto:report@x.org?subject=hi'
    >>> scrub("?email=jo%40citizen.example and jo&amp;#64;citizen.example and jo=40citizen.example")
    '?email=[email address] and [email address] and [email address]'
    """
    if not any(hint in text for hint in _AT_HINTS):
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
