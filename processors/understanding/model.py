"""Plain dataclasses returned by the mail-understanding layer (no behaviour here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .lean_parse import DETACH_BYTES


@dataclass
class Limits:
    """Resource ceilings for one inbound message; exceeding one leaves a note, never raises."""

    max_total_attachment_bytes: int = 50 * 1024 * 1024
    max_parts: int = 500
    max_depth: int = 10  # nesting of multiparts / message/rfc822 / zip-in-zip
    max_compression_ratio: float = 100.0
    max_seconds: float = 10.0  # wall clock budget for one message incl. text extraction
    max_extracted_text_chars: int = 2_000_000
    detach_base64_bytes: int = DETACH_BYTES  # base64 runs this long are decoded from the message's own bytes


@dataclass
class AttachmentInfo:
    filename: str
    content_type: str
    data: bytes
    sha256: str
    text: str | None = None
    note: str | None = None


@dataclass
class BounceInfo:
    status: str | None
    failed_recipients: list[str]
    permanent: bool
    verp_recipient: str | None = None


@dataclass
class Understood:
    message_id: str | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str | None = None
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: datetime | None = None
    body_text: str = ""
    new_text: str = ""
    quoted_text: str = ""
    kind: str = "human"
    kind_reason: str = ""
    bounce: BounceInfo | None = None
    attachments: list[AttachmentInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    loop_risk: bool = False
    parse_failed: bool = False


@dataclass
class CensorRule:
    """An operator's redaction: literal text (case-insensitive) or a regular expression."""

    pattern: str
    is_regex: bool = False
    replacement: str = "[redacted]"
