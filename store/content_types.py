"""Which attachments are text: the processors redact those like a body and the archive publishes that
redacted text instead of the original bytes (a binary file cannot be redacted, only held back)."""
from __future__ import annotations

# Text under an application/ label: data exports (JSON, XML, CSV, YAML) and calendars.
_TEXT_APPLICATIONS = frozenset(("json", "xml", "csv", "x-csv", "ics", "yaml", "x-yaml", "ndjson", "x-ndjson",
                                "x-vcard", "vcard", "sql"))


def is_text_like(content_type: str) -> bool:
    """True for text/*, message/* (a forwarded mail, a delivery report's status part) and textual data.

    >>> [is_text_like(t) for t in ("text/csv", "message/delivery-status", "application/ld+json", "TEXT/Calendar")]
    [True, True, True, True]
    >>> [is_text_like(t) for t in ("application/pdf", "image/svg+xml", "application/octet-stream", "")]
    [False, False, False, False]
    """
    maintype, _, subtype = content_type.strip().lower().partition("/")
    if maintype in ("text", "message"):
        return True
    return maintype == "application" and (subtype in _TEXT_APPLICATIONS or subtype.endswith(("+json", "+xml")))
