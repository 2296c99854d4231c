"""Reading a Popolo file (the EveryPolitician format) of representatives, checked whole before anything
is written: every problem is named by the file and its JSON path (`persons[3].email`), all at once.

What is read: `persons` (id, name, `email` and/or `contact_details` of type "email"; a postal
address from `contact_details` of type "address"), `organizations` (names of the legislature and
of parties), `areas` (id, name, `identifiers` such as {"scheme": "gss", "identifier": "W07000112"}),
`posts` (a seat, with its `area_id` or an inline `area`) and `memberships` (person_id,
organization_id, area_id or post_id, on_behalf_of_id, start_date, end_date). A membership with no
area (a party membership) is not a seat and is skipped. Dates may be partial ("2024", "2024-07"):
a start is the first day of it, an end the last.
"""
from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from processors.places.files import Problems, check_size
from store.authorities import EMAIL, ImportError_

# A national legislature's current members are a few MB; EveryPolitician's files with every term
# since 1997 are ~15 MB. Parsed JSON takes ~10 times its size in memory, hence a limit.
MAX_FILE_BYTES = 24 * 2**20
SIZE_ADVICE = "; import a file of the current legislature only (e.g. EveryPolitician's term file)"
MAX_TEXT = 300          # a name, an id
MAX_ADDRESS = 1000      # a postal address
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
EMAIL_TYPES = ("email",)
ADDRESS_TYPES = ("address", "postal", "postal_address")


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    email: str           # "" when the file has none: "does not accept email"
    postal_address: str  # "" when the file has none


@dataclass(frozen=True)
class Area:
    area_id: str
    name: str
    codes: tuple[str, ...]  # its id and identifiers, where a GSS code may be found
    where: str              # its place in the file, for the import's report


@dataclass(frozen=True)
class Seat:
    person_id: str
    area: Area
    organization: str
    party: str
    start: date | None
    end: date | None


@dataclass
class PopoloFile:
    persons: list[Person] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)


def read_popolo(path: Path) -> PopoloFile:
    """The file's persons and seats; raises ImportError_ naming every problem with its JSON path."""
    check_size(path, MAX_FILE_BYTES, SIZE_ADVICE)
    document = _parse(path)
    if not isinstance(document, dict) or not isinstance(document.get("persons"), list):
        raise ImportError_(f"{path}: must be a Popolo JSON object with a list of \"persons\" (and \"memberships\", "
                           "\"organizations\", \"areas\")")
    problems = Problems(path)
    lists = {name: _list(document, name, problems) for name in ("persons", "organizations", "areas", "posts",
                                                                 "memberships")}
    result = PopoloFile()
    persons: dict[str, int] = {}
    for index, entry in enumerate(lists["persons"]):
        person = _person(entry, f"persons[{index}]", problems)
        if person is None:
            continue
        if person.person_id in persons:
            problems.add(f"persons[{index}].id", f"{person.person_id!r} is already used by persons[{persons[person.person_id]}]")
            continue
        persons[person.person_id] = index
        result.persons.append(person)
    organizations = _named(lists["organizations"], "organizations", problems)
    areas = {area.area_id: area for area in (_area(entry, f"areas[{i}]", problems)
                                             for i, entry in enumerate(lists["areas"])) if area is not None}
    posts = _posts(lists["posts"], areas, problems)
    for index, entry in enumerate(lists["memberships"]):
        seat = _seat(entry, f"memberships[{index}]", problems, persons, organizations, areas, posts)
        if seat is not None:
            result.seats.append(seat)
    problems.raise_if_any()
    return result


def _parse(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path}: not UTF-8 (byte {exc.start + 1:,}): Popolo JSON must be UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path}:{exc.lineno}: not JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise ImportError_(f"{path}: not Popolo JSON: nested too deeply") from None
    except ValueError as exc:  # NaN or Infinity, which Python's reader would otherwise accept
        raise ImportError_(f"{path}: not Popolo JSON: {str(exc)[:200]}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a value JSON allows")


def _list(document: dict[str, Any], name: str, problems: Problems) -> list[Any]:
    value = document.get(name, [])
    if not isinstance(value, list):
        problems.add(name, f"must be a list, not {type(value).__name__}")
        return []
    return value


def _text(entry: dict[str, Any], key: str, where: str, problems: Problems, *, required: bool = True,
          limit: int = MAX_TEXT, lines: bool = False) -> str:
    """A string field, stripped; control characters refused (a name ends up in a From: header), line
    breaks allowed only where `lines` (a postal address)."""
    value = entry.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(f"{where}.{key}", "is missing")
        return ""
    if not isinstance(value, str):
        problems.add(f"{where}.{key}", f"must be a string, not {type(value).__name__}")
        return ""
    text = value.replace("\r\n", "\n").strip()
    if len(text) > limit:
        problems.add(f"{where}.{key}", f"is {len(text):,} characters long; at most {limit:,} are allowed")
        return ""
    bad = next((c for c in text if not c.isprintable() and not (lines and c == "\n")), None)
    if bad is not None:
        problems.add(f"{where}.{key}", f"contains the control character {bad!r}")
        return ""
    return text


def _email(value: Any, where: str, problems: Problems) -> str:
    # No stripping here: "a@b.example\r\nBcc: …" must be refused, not trimmed into an address.
    if not isinstance(value, str) or not EMAIL.match(value) or len(value) > 320:
        problems.add(where, f"{str(value)[:80]!r} is not an email address")
        return ""
    return value


def _person(entry: Any, where: str, problems: Problems) -> Person | None:
    if not isinstance(entry, dict):
        problems.add(where, "must be an object with id and name")
        return None
    before = len(problems.lines)
    person_id = _text(entry, "id", where, problems, limit=200)
    name = _text(entry, "name", where, problems)
    emails: list[str] = []
    if entry.get("email") not in (None, ""):
        emails.append(_email(entry["email"], f"{where}.email", problems))
    address = ""
    details = entry.get("contact_details", [])
    if not isinstance(details, list):
        problems.add(f"{where}.contact_details", "must be a list of {\"type\", \"value\"} objects")
        details = []
    for index, detail in enumerate(details):
        place = f"{where}.contact_details[{index}]"
        if not isinstance(detail, dict) or not isinstance(detail.get("type"), str):
            problems.add(place, "must be an object with a \"type\" and a \"value\"")
            continue
        kind = detail["type"].strip().lower()
        if kind in EMAIL_TYPES:
            emails.append(_email(detail.get("value"), f"{place}.value", problems))
        elif kind in ADDRESS_TYPES and not address:
            address = _text(detail, "value", place, problems, limit=MAX_ADDRESS, lines=True)
    if len(problems.lines) > before:
        return None
    return Person(person_id=person_id, name=" ".join(name.split()), email=next(iter(emails), ""),
                  postal_address=address)


def _named(entries: list[Any], name: str, problems: Problems) -> dict[str, str]:
    """id → name of organizations (a legislature, a party)."""
    found: dict[str, str] = {}
    for index, entry in enumerate(entries):
        where = f"{name}[{index}]"
        if not isinstance(entry, dict):
            problems.add(where, "must be an object with id and name")
            continue
        ident = _text(entry, "id", where, problems, limit=200)
        label = _text(entry, "name", where, problems)
        if ident and label:
            found[ident] = label
    return found


def _area(entry: Any, where: str, problems: Problems) -> Area | None:
    if not isinstance(entry, dict):
        problems.add(where, "must be an object with id and name")
        return None
    before = len(problems.lines)
    area_id = _text(entry, "id", where, problems, required=not where.endswith(".area"), limit=200)
    name = _text(entry, "name", where, problems)
    codes = [area_id] if area_id else []
    identifiers = entry.get("identifiers", [])
    if not isinstance(identifiers, list):
        problems.add(f"{where}.identifiers", "must be a list of {\"scheme\", \"identifier\"} objects")
        identifiers = []
    for index, identifier in enumerate(identifiers):
        if not isinstance(identifier, dict) or not isinstance(identifier.get("identifier"), str):
            problems.add(f"{where}.identifiers[{index}]", "must be an object with a string \"identifier\"")
        else:
            codes.append(identifier["identifier"].strip()[:200])
    if len(problems.lines) > before:
        return None
    return Area(area_id=area_id or where, name=" ".join(name.split()), codes=tuple(codes), where=where)


def _posts(entries: list[Any], areas: dict[str, Area], problems: Problems) -> dict[str, Area | None]:
    """post id → its area (from `area_id`, or an inline `area` as TheyWorkForYou's files have), or None."""
    posts: dict[str, Area | None] = {}
    for index, entry in enumerate(entries):
        where = f"posts[{index}]"
        if not isinstance(entry, dict):
            problems.add(where, "must be an object with an id")
            continue
        ident = _text(entry, "id", where, problems, limit=200)
        area: Area | None = None
        if entry.get("area_id") is not None:
            area = areas.get(entry["area_id"]) if isinstance(entry["area_id"], str) else None
            if area is None:
                problems.add(f"{where}.area_id", f"{str(entry['area_id'])[:80]!r} is not the id of any of areas[]")
        elif entry.get("area") is not None:
            area = _area(entry["area"], f"{where}.area", problems)
        if ident:
            posts[ident] = area
    return posts


def _seat(entry: Any, where: str, problems: Problems, persons: dict[str, int], organizations: dict[str, str],
          areas: dict[str, Area], posts: dict[str, Area | None]) -> Seat | None:
    if not isinstance(entry, dict):
        problems.add(where, "must be an object with person_id")
        return None
    before = len(problems.lines)
    person_id = _text(entry, "person_id", where, problems, limit=200)
    if person_id and person_id not in persons:
        problems.add(f"{where}.person_id", f"{person_id!r} is not the id of any of persons[]")
    names = {}
    for key in ("organization_id", "on_behalf_of_id"):
        ident = _text(entry, key, where, problems, required=False, limit=200)
        if ident and ident not in organizations:
            problems.add(f"{where}.{key}", f"{ident!r} is not the id of any of organizations[]")
        names[key] = organizations.get(ident, "")
    area: Area | None = None
    area_id = _text(entry, "area_id", where, problems, required=False, limit=200)
    post_id = _text(entry, "post_id", where, problems, required=False, limit=200)
    if area_id:
        area = areas.get(area_id)
        if area is None:
            problems.add(f"{where}.area_id", f"{area_id!r} is not the id of any of areas[]")
    elif post_id:
        if post_id not in posts:
            problems.add(f"{where}.post_id", f"{post_id!r} is not the id of any of posts[]")
        area = posts.get(post_id)
    start = _date(entry, "start_date", where, problems, end=False)
    end = _date(entry, "end_date", where, problems, end=True)
    if start and end and end < start:
        problems.add(f"{where}.end_date", f"{end.isoformat()} is before the start_date {start.isoformat()}")
    if len(problems.lines) > before or area is None:
        return None  # a membership without an area (a party's) is not a seat
    return Seat(person_id=person_id, area=area, organization=names["organization_id"],
                party=names["on_behalf_of_id"], start=start, end=end)


def _date(entry: dict[str, Any], key: str, where: str, problems: Problems, *, end: bool) -> date | None:
    value = entry.get(key)
    if value is None or value == "":
        return None
    match = PARTIAL_DATE.match(value) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        year, month, day = int(match[1]), int(match[2] or (12 if end else 1)), match[3]
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        return date(year, month, int(day) if day else (last if end else 1))
    except ValueError:
        problems.add(f"{where}.{key}", f"{str(value)[:40]!r} is not a date such as 2024-07-04 (or 2024-07, 2024)")
        return None
