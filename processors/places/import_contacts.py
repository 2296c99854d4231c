"""`mailgate import contacts FILE.csv`: which body takes which category of problem report, and at which
addresses (`body,category,email[,keywords]`). Only these rows decide which tier of council gets a
category. Several emails may share a cell, separated by spaces or semicolons; keywords (words that
suggest the category in a report) are separated by semicolons or commas. Every bad line is named at
once; re-import updates a body's category in place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

import store.clock
from processors.places.files import Problems, csv_rows
from store.authorities import EMAIL, ImportResult
from store.models import BodyContact, Counterpart

MAX_FILE_BYTES = 8 * 2**20
MAX_CATEGORY = 100


@dataclass(frozen=True)
class ContactRow:
    counterpart_id: int
    category: str
    emails: list[str]
    keywords: list[str]


def read_contacts(session: Session, path: Path) -> list[ContactRow]:
    problems = Problems(path)
    bodies = {slug: ident for slug, ident in session.exec(select(Counterpart.slug, Counterpart.id)).all()}
    rows: list[ContactRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in csv_rows(path, problems, ("body", "category", "email"), ("keywords",), MAX_FILE_BYTES):
        slug, category = values["body"], " ".join(values["category"].split())
        emails = [e for e in re.split(r"[\s;,]+", values["email"]) if e]
        before = len(problems.lines)
        if slug not in bodies:
            problems.add(line, f"no body {slug!r}: import it first (mailgate import bodies, or import authorities)")
        if not category or len(category) > MAX_CATEGORY:
            problems.add(line, f"the category must be 1 to {MAX_CATEGORY} characters")
        if not emails:
            problems.add(line, "no email address: give one or more, separated by spaces or semicolons")
        for email in emails:
            if not EMAIL.match(email) or len(email) > 320:
                problems.add(line, f"{email!r} is not an email address")
        key = (slug, category.lower())
        if key in seen:
            problems.add(line, f"{slug!r} already has the category {category!r} on line {seen[key]}")
        if len(problems.lines) > before:
            continue
        seen[key] = line
        keywords = [k.strip().lower() for k in re.split(r"[;,]", values.get("keywords", "")) if k.strip()]
        rows.append(ContactRow(counterpart_id=bodies[slug], category=category, emails=emails, keywords=keywords))
    problems.raise_if_any()
    return rows


def import_contacts(session: Session, path: Path) -> ImportResult:
    """Create or update every contact of the file (nothing when any line is bad); the caller commits."""
    result = ImportResult()
    existing = {(c.counterpart_id, c.category.lower()): c for c in session.exec(select(BodyContact)).all()}
    for row in read_contacts(session, path):
        contact = existing.get((row.counterpart_id, row.category.lower()))
        if contact is None:
            session.add(BodyContact(counterpart_id=row.counterpart_id, category=row.category, emails=row.emails,
                                    keywords=row.keywords, updated_at=store.clock.now()))
            result.created += 1
        elif (contact.category, contact.emails, contact.keywords) != (row.category, row.emails, row.keywords):
            contact.category, contact.emails, contact.keywords = row.category, row.emails, row.keywords
            contact.updated_at = store.clock.now()
            result.updated += 1
        else:
            result.unchanged += 1
    return result
