"""Jobs that run on a timer in `serve`: the sweeper, FOI reminders, thread ageing, expiring challenges,
report questionnaires, expiring report drafts and unconfirmed letters, expiring unconfirmed alerts and
the alerts' digests (processors/alerts/digests.py)."""
from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from processors.alerts.digests import send_due_digests
from processors.alerts.subscribing import expire_alerts
from processors.context import Context
from processors.foi.reminders import send_reminders
from processors.letters.expiry import expire_unconfirmed_letters
from processors.letters.responsiveness import send_letter_questionnaires
from processors.letters.retention import anonymise_old_letters, delete_old_letter_text
from processors.reports.questionnaire import expire_unanswered_drafts, send_questionnaires
from processors.sweeper import sweep
from processors.trust.challenge import expire_challenges
from store.models import Thread
from store.states import WhoMayPost

log = logging.getLogger(__name__)


def age_threads(context: Context) -> int:
    """Quiet threads stop accepting mail from anyone but the authority, then from anyone."""
    config, now = context.config, context.clock.now()
    with context.engine.begin() as connection:
        closed = connection.execute(sa.update(Thread).where(
            Thread.who_may_post != WhoMayPost.NOBODY,
            Thread.last_activity_at <= now - timedelta(days=config.closed_after_days))
            .values(who_may_post=WhoMayPost.NOBODY)).rowcount
        narrowed = connection.execute(sa.update(Thread).where(
            Thread.who_may_post == WhoMayPost.ANYBODY,
            Thread.last_activity_at <= now - timedelta(days=config.authority_only_after_days))
            .values(who_may_post=WhoMayPost.AUTHORITY_ONLY)).rowcount
    return closed + narrowed


def expire_unanswered_challenges(context: Context) -> int:
    with Session(context.engine) as session:
        expired = expire_challenges(session, context)
        session.commit()
    return expired


def expire_unconfirmed_alerts(context: Context) -> int:
    with Session(context.engine) as session:
        expired = expire_alerts(session, context)
        session.commit()
    return expired


def run_periodic_jobs(context: Context) -> None:
    for job in (sweep, send_reminders, age_threads, expire_unanswered_challenges, send_questionnaires,
                expire_unanswered_drafts, expire_unconfirmed_letters, send_letter_questionnaires,
                delete_old_letter_text, anonymise_old_letters, expire_unconfirmed_alerts, send_due_digests):
        try:
            job(context)
        except Exception:  # one failing job must not stop the others or the service
            log.exception("periodic job %s failed", job.__name__)
