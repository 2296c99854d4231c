"""The states of stored rows as string enums: importable without the ORM.

The gateway processes use these without loading SQLAlchemy or sqlmodel (see
mailgate/gateway/dbapi_store.py); store/models.py re-exports them.
"""
from __future__ import annotations

from enum import StrEnum


class InboundState(StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    DONE = "done"
    HELD = "held"
    FAILED = "failed"


UNFINISHED_INBOUND = (InboundState.RECEIVED, InboundState.PROCESSING)


class SenderTrust(StrEnum):
    """Who wrote an inbound message, as far as SPF, DKIM and DMARC tell (processors/trust/).

    PASS: an SPF or DKIM pass for a domain aligned (relaxed) with the From: domain. FAIL: an
    explicit failure for the From: domain, or a From: that is missing, malformed or multiple.
    UNKNOWN: no evidence either way. Rows stored before the verdict existed have "".
    """

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


class ChallengeState(StrEnum):
    WAITING = "waiting"
    CONFIRMED = "confirmed"
    EXPIRED = "expired"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class WhoMayPost(StrEnum):
    ANYBODY = "anybody"
    AUTHORITY_ONLY = "authority_only"
    NOBODY = "nobody"


class ThreadKindName(StrEnum):
    """The kinds of thread this code base knows; a kind registers its rules in processors/kinds.py."""

    FOI = "foi"
    REPORT = "report"
    LETTER = "letter"


class AlertState(StrEnum):
    """An alert (processors/alerts/): asked for, until confirmed by reply (or expired); then
    active until stopped (by reply, the unsubscribe headers, an operator)."""

    PENDING = "pending"
    ACTIVE = "active"
    STOPPED = "stopped"
    EXPIRED = "expired"


class AlertTarget(StrEnum):
    THREAD = "thread"        # value: the thread id
    AUTHORITY = "authority"  # value: the counterpart's slug
    AREA = "area"            # value: the council's slug (a postcode is looked up to its council)
    SEARCH = "search"        # value: up to five lower-case words of letters and digits


class AlertFrequency(StrEnum):
    INSTANT = "instant"      # batched over five minutes
    DAILY = "daily"          # 07:00 in the site's time zone
    WEEKLY = "weekly"        # Mondays, 07:00
