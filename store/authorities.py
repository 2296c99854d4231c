"""Import authorities from CSV (`slug,name,email[,tags,country,url]`); re-import updates by slug."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

import store.clock
from store.models import Counterpart

REQUIRED = ("slug", "name", "email")
OPTIONAL = ("tags", "country", "url")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class ImportError_(ValueError):
    """Names the file and line at fault."""


@dataclass
class ImportResult:
    """What an import did, row by row (authorities, bodies, contacts): re-importing a file updates in place."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportError_(f"{path}: cannot read it: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportError_(f"{path}:1: header must include {','.join(REQUIRED)}; missing {', '.join(missing)}")
    rows: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    errors: list[str] = []  # every bad line at once: an operator fixes the file in one go
    for row in reader:
        line = reader.line_num
        values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(values.values()):
            continue
        error = _row_error(values, seen)
        if error:
            errors.append(f"{path}:{line}: {error}")
            continue
        seen[values["slug"]] = line
        rows.append((line, values))
    if errors:
        raise ImportError_("\n".join(errors))
    return rows


def _row_error(values: dict[str, str], seen: dict[str, int]) -> str | None:
    if not SLUG.match(values["slug"]):
        return (f"slug {values['slug']!r} must be lower-case letters, digits and hyphens "
                "(it becomes the address foi-SLUG@…)")
    if not values["name"]:
        return f"authority {values['slug']!r} has no name"
    if not EMAIL.match(values["email"]):
        return f"{values['email']!r} is not an email address"
    if values["slug"] in seen:
        return f"slug {values['slug']!r} already used on line {seen[values['slug']]}"
    return None


def import_authorities(session: Session, path: Path) -> ImportResult:
    result = ImportResult()
    for _line, values in read_rows(path):
        authority = session.exec(select(Counterpart).where(Counterpart.slug == values["slug"])).first()
        fields: dict[str, Any] = {k: values.get(k, "") for k in REQUIRED + OPTIONAL if k != "slug"}
        if authority is None:
            session.add(Counterpart(slug=values["slug"], **fields))
            result.created += 1
        elif any(getattr(authority, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(authority, key, value)
            authority.updated_at = store.clock.now()
            result.updated += 1
        else:
            result.unchanged += 1
    return result
