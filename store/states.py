"""The states of stored rows as plain strings, and the clock: importable without the ORM.

The gateway processes use these without loading SQLAlchemy or sqlmodel (see
mailgate/gateway/dbapi_store.py); store/models.py re-exports them.
"""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class InboundState:
    RECEIVED, PROCESSING, DONE, HELD, FAILED = "received", "processing", "done", "held", "failed"
    ALL = (RECEIVED, PROCESSING, DONE, HELD, FAILED)
    UNFINISHED = (RECEIVED, PROCESSING)


class OutboxState:
    PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
    ALL = (PENDING, SENDING, SENT, FAILED)


class WhoMayPost:
    ANYBODY, AUTHORITY_ONLY, NOBODY = "anybody", "authority_only", "nobody"
