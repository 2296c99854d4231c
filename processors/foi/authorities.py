"""Which counterparts an FOI request can go to, by short name or by a guess at one.

Representatives share the counterpart table (issue 13) but are not public authorities under
the FOI Act: a request is never sent to one, nor offered as a close match.
"""
from __future__ import annotations

import difflib

from sqlalchemy import exists
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from store.models import Counterpart
from store.representatives import Representative


def foi_authorities() -> Select[tuple[Counterpart]]:
    return select(Counterpart).where(~exists().where(col(Representative.counterpart_id) == Counterpart.id))


def authority_by_slug(session: Session, slug: str) -> Counterpart | None:
    return session.exec(foi_authorities().where(Counterpart.slug == slug)).first()


def known_slugs(session: Session, candidates: set[str]) -> set[str]:
    return set(session.exec(foi_authorities().with_only_columns(Counterpart.slug)
                            .where(col(Counterpart.slug).in_(candidates))).all())


def close_authorities(session: Session, slug: str, limit: int = 5) -> list[Counterpart]:
    authorities = session.exec(foi_authorities()).all()
    by_slug = {a.slug: a for a in authorities}
    names = {a.name.lower(): a for a in authorities}
    matches = difflib.get_close_matches(slug, list(by_slug), n=limit, cutoff=0.5)
    found = [by_slug[m] for m in matches]
    for name in difflib.get_close_matches(slug.replace("-", " "), list(names), n=limit, cutoff=0.5):
        if names[name] not in found:
            found.append(names[name])
    words = set(slug.split("-")) - {"council", "of", "the", "and", "city", "borough"}
    for authority in authorities:
        if authority not in found and words & set(authority.slug.split("-")):
            found.append(authority)
    return found[:limit]
