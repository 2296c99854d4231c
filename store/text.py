"""The one cleaner for text on its way into the store, for every text column and both databases.

Mail is bytes from strangers. PostgreSQL's text refuses NUL, and UTF-8 cannot carry the
lone surrogates that decoding broken bytes may leave; either failed a whole commit (the
gateway's batch of other senders' messages with it, or an actor's work forever). Raw
messages stay bytes, untouched; only the text we derive from them is cleaned, here.
Plain Python: the gateway processes use it without the ORM (store/clean_rows.py hooks it
into every ORM session).
"""
from __future__ import annotations

from typing import Any

REPLACEMENT = "\ufffd"


def clean_text(value: str) -> str:
    """
    >>> clean_text("Re: budget\\x00 2024"), clean_text("caf\\udce9")
    ('Re: budget\\ufffd 2024', 'caf\\ufffd')
    """
    if "\x00" in value:
        value = value.replace("\x00", REPLACEMENT)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = "".join(REPLACEMENT if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
    return value


def clean_value(value: Any) -> Any:
    """Text, or the strings inside a JSON value (lists and dicts), cleaned; anything else as it is."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(key) if isinstance(key, str) else key: clean_value(item) for key, item in value.items()}
    return value
