"""Bounces no detector knows (a scanner's or an appliance's own notice): read from the notice's words.

Only the notice is read, never the copy of the returned mail below it, whose addresses are
our own and the authority's, not necessarily the one that failed.
"""
from __future__ import annotations

import itertools
import re
from email.message import Message

from .bounces import DAEMON, STATUS
from .model import BounceInfo

# Where a notice hands over to the copy of the mail it returns.
_RETURNED_COPY = re.compile(
    r"^[ \t]*[-*=]{2,}.*\b(contents of the undelivered|undelivered (mail|message)|returned (mail|message)"
    r"|original message|copy of the message|message follows)\b", re.I | re.M)
# WebShield and kin: a "Failed Recipients" heading, then one <address> a line (as Alaveteli reads them).
_FAILED_BLOCK = re.compile(r"^[ \t]*-+[ \t]*Failed Recipients[ \t]*-+[ \t]*\n((?:[ \t]*\n|[ \t]*<[^<>\s]+@[^<>\s]+>.*\n)+)",
                           re.I | re.M)
_BRACKETED = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_ADDRESS = re.compile(r"<?([A-Za-z0-9._%+'=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?")
# A notice that the mail system is still trying: the failure is not final.
_STILL_TRYING = re.compile(r"\b(delayed|not yet been delivered|will (continue to )?(retry|try)|still (trying|retrying)"
                           r"|warning:)", re.I)
_PARTS_LOOKED_AT = 50


def notice_text(body: str) -> str:
    """The notice alone: the body up to where the returned copy starts (at most 5,000 characters)."""
    m = _RETURNED_COPY.search(body[:20000])
    return (body[:m.start()] if m else body)[:5000]


def returns_a_message(msg: Message, body: str) -> bool:
    """The mail carries a copy of a message it returns: attached, or pasted below a separator line."""
    for part in itertools.islice(msg.walk(), _PARTS_LOOKED_AT):
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            return True
    return bool(_RETURNED_COPY.search(body[:20000]))


def notice_bounce(body: str) -> BounceInfo:
    """A failure notice no detector parsed: its Failed Recipients block, else the first address it names."""
    notice = notice_text(body or "")
    block = _FAILED_BLOCK.search(notice + "\n")
    if block:
        addresses = list(dict.fromkeys(a.lower() for a in _BRACKETED.findall(block.group(1))))
    else:
        named = [a.lower() for a in _ADDRESS.findall(notice)]
        addresses = [a for a in dict.fromkeys(named) if not DAEMON.match(a)][:1]
    m = STATUS.search(notice)
    status = m.group(1) if m else None
    permanent = status.startswith("5") if status else not _STILL_TRYING.search(notice)
    return BounceInfo(status=status, failed_recipients=addresses, permanent=permanent)
