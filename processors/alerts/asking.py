"""What a mail to subscribe@ asks to follow, read line by line from its subject and body.

One line, one alert: `thread 12` (or the thread's URL), `authority SLUG` (or `council SLUG`),
`area SLUG` or `area POSTCODE`, `search WORD WORD…` (letters and digits only, at most five
words, all of which must occur), each optionally with `instant`, `daily` (the default) or
`weekly`; a leading `follow`/`subscribe` is allowed. Lines that say none of this (a greeting, a
signature) are skipped. Pure: whether the thread or slug exists is checked by the caller.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from store.states import AlertFrequency, AlertTarget

MAX_WORDS = 5
MAX_WORD_CHARS = 30
MAX_ALERTS_PER_MAIL = 5
MAX_LINES_READ = 40  # of the body: a long mail costs no more than a short one
_LEADING = re.compile(r"^(?:(?:re|fwd?)\s*:\s*)*(?:please\s+)?(?:follow|subscribe(?:\s+to)?|alert(?:\s+me)?)?\s*:?\s*",
                      re.IGNORECASE)
_THREAD_URL = re.compile(r"/thread/(\d{1,13})(?:/|\b)")
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?\Z")
_WORD = re.compile(r"[^\W_]+\Z")
TARGET_WORDS = {"thread": AlertTarget.THREAD.value, "request": AlertTarget.THREAD.value, "report": AlertTarget.THREAD.value,
                "authority": AlertTarget.AUTHORITY.value, "council": AlertTarget.AUTHORITY.value, "area": AlertTarget.AREA.value,
                "search": AlertTarget.SEARCH.value, "keywords": AlertTarget.SEARCH.value, "words": AlertTarget.SEARCH.value}


@dataclass(frozen=True)
class Wanted:
    target: str            # AlertTarget
    value: str             # a thread id, a slug, a postcode as written (area), or lower-case words
    frequency: str = AlertFrequency.DAILY.value


@dataclass(frozen=True)
class Refused:
    reason: str            # in our words, never repeating the line (it could be anything)


def read_line(line: str) -> Wanted | Refused | None:
    """One line: what it asks for, why it cannot be, or None when it asks for nothing.

    >>> read_line("follow thread 12 weekly")
    Wanted(target='thread', value='12', frequency='weekly')
    >>> read_line("https://foi.example/thread/7/")
    Wanted(target='thread', value='7', frequency='daily')
    >>> read_line("Council Camden-Council instant")
    Wanted(target='authority', value='camden-council', frequency='instant')
    >>> read_line("area CB1 5RE")
    Wanted(target='area', value='CB1 5RE', frequency='daily')
    >>> read_line("search Potholes  Mill Lane")
    Wanted(target='search', value='potholes mill lane', frequency='daily')
    >>> read_line("search <script>alert(1)</script>")
    Refused(reason='a search is letters and digits only, separated by spaces')
    >>> read_line("Thanks, Jo") is None
    True
    """
    url = _THREAD_URL.search(line)
    words = _LEADING.sub("", " ".join(line.split())).split(" ")
    frequencies = [w for w in words if w.lower() in set(AlertFrequency)]
    frequency = frequencies[-1].lower() if frequencies else AlertFrequency.DAILY.value
    words = [w for w in words if w and w.lower() not in set(AlertFrequency)]
    if url and (not words or "://" in words[0]):
        return Wanted(AlertTarget.THREAD.value, str(int(url[1])), frequency)
    if not words or words[0].lower() not in TARGET_WORDS:
        return None
    target, rest = TARGET_WORDS[words[0].lower()], words[1:]
    if not rest:
        return Refused(f"`{words[0].lower()}` needs what to follow after it")
    if target == AlertTarget.THREAD.value:
        number = rest[0].lstrip("#")
        if len(rest) != 1 or not number.isascii() or not number.isdigit() or len(number) > 13:
            return Refused("a thread is followed by its number, such as `thread 12`")
        return Wanted(target, str(int(number)), frequency)
    if target == AlertTarget.SEARCH.value:
        return _search(rest, frequency)
    if target == AlertTarget.AREA.value and len(rest) in (1, 2) and any(c.isdigit() for c in "".join(rest)):
        postcode = " ".join(rest).upper()
        if not re.fullmatch(r"[A-Z0-9]{2,4} ?[A-Z0-9]{3}", postcode):
            return Refused("an area is a council's short name or a postcode, such as `area CB1 5RE`")
        return Wanted(target, postcode, frequency)
    slug = rest[0].lower()
    if len(rest) != 1 or not _SLUG.match(slug):
        return Refused("an authority or council is named by its short name, as on its archive page, "
                       "such as `authority borsetshire-council`")
    return Wanted(target, slug, frequency)


def _search(words: list[str], frequency: str) -> Wanted | Refused:
    if len(words) > MAX_WORDS:
        return Refused(f"a search has at most {MAX_WORDS} words")
    if not all(_WORD.match(w) and len(w) <= MAX_WORD_CHARS for w in words):
        return Refused("a search is letters and digits only, separated by spaces")
    return Wanted(AlertTarget.SEARCH.value, " ".join(w.lower() for w in words), frequency)


def read_mail(subject: str, body: str) -> tuple[list[Wanted], list[Refused]]:
    """Every alert the subject and the body's first lines ask for (at most MAX_ALERTS_PER_MAIL),
    and what was refused."""
    wanted: list[Wanted] = []
    refused: list[Refused] = []
    for line in [subject, *body.splitlines()[:MAX_LINES_READ]]:
        if line.lstrip().startswith(("--", ">")):
            if line.strip() == "--":
                break  # the signature
            continue
        found = read_line(line)
        if isinstance(found, Wanted) and found not in wanted:
            wanted.append(found)
        elif isinstance(found, Refused):
            refused.append(found)
    if len(wanted) > MAX_ALERTS_PER_MAIL:
        refused.append(Refused(f"one mail may start at most {MAX_ALERTS_PER_MAIL} alerts"))
    return wanted[:MAX_ALERTS_PER_MAIL], refused
