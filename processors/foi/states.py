"""FOI request states (as Alaveteli names them) and deadlines counted in working days."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

AWAITING_CONFIRMATION = "awaiting_confirmation"
STATES = (
    "waiting_response", "waiting_clarification", "successful", "partially_successful", "rejected",
    "not_held", "internal_review", "gone_postal", "user_withdrawn", "error_message", "requires_admin",
)
# States in which the authority still owes an answer, so deadlines apply.
WAITING = ("waiting_response", "internal_review")
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


@lru_cache(maxsize=16)
def _holidays(country: str, year: int):
    try:
        return holidays.country_holidays(country, years=range(year, year + 3))
    except NotImplementedError:
        return {}


def add_working_days(start: date, days: int, country: str) -> date:
    """The date `days` working days after `start` (weekends and public holidays skipped).

    >>> add_working_days(date(2026, 12, 23), 3, "GB")  # Christmas, Boxing Day (Mon 28th in lieu)
    datetime.date(2026, 12, 30)
    """
    off = _holidays(country, start.year)
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in off:
            counted += 1
    return current


def due_dates(sent_at: datetime, country: str, response_days: int, very_overdue_days: int) -> tuple[date, date]:
    sent = sent_at.date()
    return add_working_days(sent, response_days, country), add_working_days(sent, very_overdue_days, country)


def display_state(state: str, awaiting_classification: bool, sent_at: datetime | None, today: date,
                  country: str = "GB", response_days: int = 20, very_overdue_days: int = 40) -> str:
    """What the public sees: the stored state, or a derived one (awaiting classification, overdue)."""
    if awaiting_classification:
        return "awaiting_classification"
    if state in WAITING and sent_at is not None:
        due, very_due = due_dates(sent_at, country, response_days, very_overdue_days)
        if today > very_due:
            return "very_overdue"
        if today > due:
            return "overdue"
    return state
