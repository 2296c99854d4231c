"""Small helpers for words shown to people, shared by the mail and the archive templates."""
from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun in the right number (thousands separated), for every "N things" a reader sees.

    >>> plural(1, "request"), plural(2, "request"), plural(0, "problem report"), plural(1234, "byte")
    ('1 request', '2 requests', '0 problem reports', '1,234 bytes')
    >>> plural(1, "day"), plural(3, "working day"), plural(2, "reply", "replies")
    ('1 day', '3 working days', '2 replies')
    """
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"
