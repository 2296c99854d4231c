"""The states of a problem report (a thread of kind "report"), and who may move them: plain
`StrEnum`s, so SQL, JSON, mail and the archive all show the same words."""
from __future__ import annotations

from enum import StrEnum


class ReportState(StrEnum):
    DRAFT = "draft"                                  # something is missing: the reporter was asked for it
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # complete: the reporter confirms by reply (RCPT checks this word)
    HELD = "held"                                    # three rounds did not complete it: an operator decides
    EXPIRED = "expired"                              # 14 days without an answer
    OPEN = "open"                                    # sent to the body (or bodies)
    INVESTIGATING = "investigating"
    IN_PROGRESS = "in_progress"
    ACTION_SCHEDULED = "action_scheduled"
    FIXED = "fixed"
    UNABLE_TO_FIX = "unable_to_fix"
    NOT_RESPONSIBLE = "not_responsible"
    DUPLICATE = "duplicate"
    CLOSED = "closed"


# The words a body's `Status:` line may use, in the words it writes them.
COUNCIL_STATUSES: dict[str, ReportState] = {
    "investigating": ReportState.INVESTIGATING,
    "in progress": ReportState.IN_PROGRESS,
    "action scheduled": ReportState.ACTION_SCHEDULED,
    "fixed": ReportState.FIXED,
    "unable to fix": ReportState.UNABLE_TO_FIX,
    "not responsible": ReportState.NOT_RESPONSIBLE,
    "duplicate": ReportState.DUPLICATE,
    "closed": ReportState.CLOSED,
}

UNSENT = (ReportState.DRAFT, ReportState.AWAITING_CONFIRMATION, ReportState.HELD, ReportState.EXPIRED)
# Closed reports get no questionnaire (and the archive counts them closed: web_archive/api.py).
CLOSED = (ReportState.FIXED, ReportState.UNABLE_TO_FIX, ReportState.NOT_RESPONSIBLE, ReportState.DUPLICATE,
          ReportState.CLOSED)
# Reports that are not the body's to fix, or are finished with: no "has this been fixed?" (a fixed one
# does get it: NOT FIXED reopens it).
NO_QUESTIONNAIRE = (ReportState.NOT_RESPONSIBLE, ReportState.DUPLICATE, ReportState.CLOSED)


class ChangeSource(StrEnum):
    """Who changed a report's state (recorded with each change)."""

    COUNCIL = "council"
    REPORTER = "reporter"
    QUESTIONNAIRE = "questionnaire"
    OPERATOR = "operator"
    SERVICE = "service"  # the service's own rules: a draft that expired or could go nowhere
