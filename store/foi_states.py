"""FOI request states (as Alaveteli names them), their public labels, and deadlines in working days.

Shared vocabulary of the `thread.state` column: the processors set these states,
the archive shows them.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import overload


class FoiState(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    WAITING_RESPONSE = "waiting_response"
    WAITING_CLARIFICATION = "waiting_clarification"
    SUCCESSFUL = "successful"
    PARTIALLY_SUCCESSFUL = "partially_successful"
    REJECTED = "rejected"
    NOT_HELD = "not_held"
    INTERNAL_REVIEW = "internal_review"
    GONE_POSTAL = "gone_postal"
    USER_WITHDRAWN = "user_withdrawn"
    ERROR_MESSAGE = "error_message"
    REQUIRES_ADMIN = "requires_admin"


AWAITING_CONFIRMATION = FoiState.AWAITING_CONFIRMATION
# What a request can be classified as, by the citizen or an operator.
STATES = tuple(state for state in FoiState if state is not FoiState.AWAITING_CONFIRMATION)
CLASSIFICATIONS = {state: state for state in STATES} | {
    "partial": "partially_successful", "partially successful": "partially_successful",
    "refused": "rejected", "not held": "not_held", "information not held": "not_held",
    "withdrawn": "user_withdrawn", "internal review": "internal_review", "review": "internal_review",
    "clarification": "waiting_clarification", "waiting clarification": "waiting_clarification",
    "waiting": "waiting_response", "success": "successful", "gone postal": "gone_postal",
}


def classification(value: str) -> str | None:
    """The state a citizen's `status: …` line names, or None.

    >>> classification("Partially Successful"), classification("refused"), classification("maybe")
    ('partially_successful', 'rejected', None)
    """
    key = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    return CLASSIFICATIONS.get(key) or CLASSIFICATIONS.get(key.replace(" ", "_"))


# States in which the authority still owes an answer, so deadlines apply.
WAITING = (FoiState.WAITING_RESPONSE, FoiState.INTERNAL_REVIEW)

LABELS = {
    "awaiting_classification": "awaiting classification", "overdue": "overdue (late)",
    "very_overdue": "very overdue", "waiting_response": "awaiting response",
    "waiting_clarification": "awaiting clarification", "partially_successful": "partially successful",
    "not_held": "information not held", "internal_review": "internal review", "gone_postal": "gone postal",
    "user_withdrawn": "withdrawn", "error_message": "delivery error", "requires_admin": "needs attention",
}


def state_label(state: str) -> str:
    """Words for a state.

    >>> state_label("very_overdue"), state_label("successful"), state_label("in_progress")
    ('very overdue', 'successful', 'in progress')
    """
    return LABELS.get(state, state.replace("_", " "))


@lru_cache(maxsize=32)
def _holidays(country: str, year: int) -> frozenset[date]:
    """Public holidays of `country` in `year` and the two years after, worked out in a
    short-lived process (store/holiday_dates.py): a worker keeps the dates, not the
    holidays package with every country's rules."""
    done = subprocess.run([sys.executable, "-m", "store.holiday_dates", country, str(year), str(year + 3)],
                          capture_output=True, text=True, check=True)
    return frozenset(date.fromisoformat(line) for line in done.stdout.split())


@lru_cache(maxsize=64)
def _working_days(country: str, year: int) -> tuple[list[date], dict[date, int]]:
    """The working days from the start of `year` for three years, and each date's count of working days so far."""
    off = _holidays(country, year)
    days, index = [], {}
    current = date(year, 1, 1)
    while current.year < year + 3:
        if current.weekday() < 5 and current not in off:
            days.append(current)
        index[current] = len(days)  # working days up to and including `current`
        current += timedelta(days=1)
    return days, index


@lru_cache(maxsize=8192)
def add_working_days(start: date, days: int, country: str) -> date:
    """The date `days` working days after `start`.

    >>> add_working_days(date(2026, 12, 23), 3, "GB")  # Christmas, Boxing Day (Mon 28th in lieu)
    datetime.date(2026, 12, 30)
    >>> add_working_days(date(2026, 3, 6), 1, "XX")  # unknown country: weekends only
    datetime.date(2026, 3, 9)
    """
    calendar, index = _working_days(country, start.year)
    position = index[start] + days - 1
    if position < len(calendar):
        return calendar[position]
    current, counted = start, 0  # beyond the precomputed span: count day by day
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in _holidays(country, current.year):
            counted += 1
    return current


@overload
def due_dates(sent: date, country: str, response_days: int, very_overdue_days: int) -> tuple[date, date]: ...
@overload
def due_dates(sent: None, country: str, response_days: int, very_overdue_days: int) -> tuple[None, None]: ...
def due_dates(sent: date | None, country: str, response_days: int,
              very_overdue_days: int) -> tuple[date, date] | tuple[None, None]:
    """(due, very overdue) dates for a request sent on `sent`, or (None, None)."""
    if sent is None:
        return None, None
    return add_working_days(sent, response_days, country), add_working_days(sent, very_overdue_days, country)


def display_state(kind: str, state: str, awaiting_classification: bool, sent: date | None, today: date,
                  country: str = "GB", response_days: int = 20, very_overdue_days: int = 40) -> str:
    """What the public sees: the stored state, or a derived one.

    >>> display_state("foi", "waiting_response", False, date(2026, 1, 5), date(2026, 2, 5))
    'overdue'
    >>> display_state("foi", "waiting_response", True, date(2026, 1, 5), date(2026, 2, 5))
    'awaiting_classification'
    """
    if kind != "foi":
        return state
    if awaiting_classification:
        return "awaiting_classification"
    if state in WAITING and sent is not None:
        due, very_due = due_dates(sent, country, response_days, very_overdue_days)
        if today > very_due:
            return "very_overdue"
        if today > due:
            return "overdue"
    return state
