"""What a report still lacks: its place, the bodies covering it, its category. One pass over
what the reporter wrote (the first mail or an answer to a question) fills what it can, and
says what to ask next, or that no body can take the report at all."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session

from processors.places.lookup import Place, PlaceNotFound, Responsible, categories_at, find_place, place_at
from processors.reports import location
from processors.understanding.model import AttachmentInfo
from store import uk_postcodes
from store.models import Report

NOT_A_POSTCODE = ("I couldn't find that postcode: a postcode looks like SW1A 1AA (letters and digits, a space, "
                  "then a digit and two letters).")
_CATEGORY_LINE = re.compile(r"(?im)^\s*category\s*:\s*(.{1,100}?)\s*$")


@dataclass
class Assessment:
    """Either a question (`asking`, with what the mail needs to say it) or a complete report."""

    asking: str = ""            # location | postcode | outside | category | "" (complete)
    why: str = ""               # for a postcode: the lookup's sentence
    choices: list[str] = field(default_factory=list)   # the categories the place offers
    place: Place | None = None
    responsible: list[Responsible] = field(default_factory=list)
    unroutable: bool = False    # bodies cover the place, but none takes any kind of report


def assess(session: Session, report: Report, text: str, photos: list[AttachmentInfo],
           wrong_place: bool = False, earlier: str = "") -> Assessment:
    """Fill `report` from `text` and `photos` where it lacks something (or its place, when the reporter
    says the place was wrong), and say what is still missing. A category may also come from the
    `earlier` words (the report's title and description), a place only from what was just written."""
    if wrong_place or (report.lat is None and not report.postcode):
        found = location.find(text, photos)
        if found is None:
            return Assessment(asking="location")
        report.lat, report.lon = found.point if found.point else (None, None)
        report.postcode, report.location_source = found.postcode, found.source
        report.category = "" if wrong_place else report.category
    try:
        place = place_of(session, report)
    except PlaceNotFound as refused:
        # The lookup's sentence repeats the postcode; one that is not even shaped like a postcode could be
        # any words of a forger's, so the answer then says what a postcode looks like instead.
        shaped = uk_postcodes.normalise(report.postcode) is not None or report.lat is not None
        report.postcode, report.location_source = "", ""
        return Assessment(asking="postcode", why=str(refused) if shaped else NOT_A_POSTCODE)
    if not place.bodies:
        report.lat = report.lon = None
        report.postcode = report.location_source = ""
        return Assessment(asking="outside", place=place)
    offered = categories_at(session, place)
    if not offered:
        return Assessment(unroutable=True, place=place)
    if report.category not in offered:
        report.category = category_in(text, offered) or category_in(earlier, offered) or ""
    if not report.category:
        return Assessment(asking="category", choices=list(offered), place=place)
    return Assessment(place=place, responsible=offered[report.category])


def place_of(session: Session, report: Report) -> Place:
    if report.lat is not None and report.lon is not None:
        return place_at(session, report.lat, report.lon)
    return find_place(session, report.postcode)


def category_in(text: str, offered: dict[str, list[Responsible]]) -> str | None:
    """The category the text names: a `Category:` line, a line that is just a category's name, else
    the one category whose name or keywords the text mentions (None when none or several do).

    >>> offered = {"Potholes": [], "Street lights": []}
    >>> category_in("Category: street lights", offered), category_in("A deep pothole", offered)
    ('Street lights', None)
    """
    by_name = {name.lower(): name for name in offered}
    line = _CATEGORY_LINE.search(text)
    if line:
        return by_name.get(" ".join(line[1].split()).lower())
    for written in text.splitlines():
        if " ".join(written.split()).strip(" .").lower() in by_name:
            return by_name[" ".join(written.split()).strip(" .").lower()]
    lowered = " ".join(text.lower().split())
    mentioned = {name for name, takers in offered.items()
                 if _mentions(lowered, name.lower()) or any(_mentions(lowered, word.lower())
                                                            for taker in takers for word in taker.keywords)}
    return mentioned.pop() if len(mentioned) == 1 else None


def _mentions(text: str, phrase: str) -> bool:
    phrase = " ".join(phrase.split())
    return bool(phrase) and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None
