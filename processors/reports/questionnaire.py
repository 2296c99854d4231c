"""Four weeks (a setting) after a report was sent, ask the reporter whether it was fixed; and let
drafts that nobody answers expire. Both on the periodic timer, by the context's (movable) clock."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from processors.context import Context
from processors.mail_out import MailSpec, commit_and_send, queue_mail
from processors.reports.by_email import expire_drafts
from processors.strangers import short_title
from store.models import Report, Thread
from store.public_urls import public_url, thread_path
from store.report_states import NO_QUESTIONNAIRE, UNSENT
from store.states import ThreadKindName

DRAFTS_EXPIRE_AFTER = timedelta(days=14)


def send_questionnaires(context: Context) -> int:
    now = context.clock.now()
    due_before = now - timedelta(days=context.config.report_questionnaire_days)
    with Session(context.engine, expire_on_commit=False) as session:
        due = session.exec(select(Thread, Report).join(Report, Report.thread_id == Thread.id).where(
            Thread.kind == ThreadKindName.REPORT, Thread.state.not_in(UNSENT + NO_QUESTIONNAIRE),
            Report.questionnaire_sent_at.is_(None), Thread.sent_at <= due_before)).all()
        for thread, report in due:
            queue_mail(session, context, MailSpec(
                dedupe_key=f"report-questionnaire:{thread.id}", kind="report_questionnaire",
                to=thread.citizen_email, thread_id=thread.id, from_address=context.addresses.citizen_facing(thread.id),
                from_name=context.config.service_name,
                values={"title": short_title(thread.title), "url": public_url(context.config.site_url,
                                                                               thread_path(thread.id))}))
            report.questionnaire_sent_at = now
        commit_and_send(session, context)
    return len(due)


def expire_unanswered_drafts(context: Context) -> int:
    with Session(context.engine, expire_on_commit=False) as session:
        expired = expire_drafts(session, context, DRAFTS_EXPIRE_AFTER)
        commit_and_send(session, context)
    return expired
