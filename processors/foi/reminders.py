"""Deadline reminders to citizens: overdue, very overdue, and responses still unclassified."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from processors.config import ProcessorsConfig
from processors.context import Context
from processors.foi.requests import thread_url
from processors.mail_out import MailSpec, commit_and_send, queue_mail
from store.foi_states import WAITING, due_dates
from store.models import Counterpart, Thread

UNCLASSIFIED_AFTER = timedelta(days=3)


def reminders_due(thread: Thread, config: ProcessorsConfig, now: datetime) -> list[str]:
    due = []
    if thread.awaiting_classification and now - thread.last_activity_at >= UNCLASSIFIED_AFTER:
        due.append("unclassified")
    if thread.state in WAITING and thread.sent_at is not None:
        overdue_on, very_overdue_on = due_dates(thread.sent_at.date(), config.country, config.response_days,
                                                config.very_overdue_days)
        if now.date() > very_overdue_on:
            due.append("very_overdue")
        elif now.date() > overdue_on:
            due.append("overdue")
    return [kind for kind in due if kind not in (thread.reminded or [])]


def send_reminders(context: Context, now: datetime | None = None) -> int:
    now = now or context.clock.now()
    sent = 0
    with Session(context.engine, expire_on_commit=False) as session:
        threads = session.exec(select(Thread).where(Thread.kind == "foi", Thread.public == True,  # noqa: E712
                                                    Thread.state.in_(WAITING + ("successful", "partially_successful",
                                                                                "rejected", "not_held")))).all()
        for thread in threads:
            for kind in reminders_due(thread, context.config, now):
                authority = session.get(Counterpart, thread.counterpart_id)
                overdue_on, very_overdue_on = due_dates((thread.sent_at or now).date(), context.config.country,
                                                        context.config.response_days,
                                                        context.config.very_overdue_days)
                template = "foi_unclassified" if kind == "unclassified" else "foi_overdue"
                queue_mail(session, context, MailSpec(
                    dedupe_key=f"reminder:{kind}:{thread.id}", kind=template, to=thread.citizen_email,
                    thread_id=thread.id, from_address=context.addresses.citizen_facing(thread.id),
                    from_name=context.config.service_name,
                    values={"thread": thread, "authority": authority, "url": thread_url(context, thread),
                            "due": very_overdue_on if kind == "very_overdue" else overdue_on,
                            "very": kind == "very_overdue"}))
                thread.reminded = list(thread.reminded or []) + [kind]
                sent += 1
        commit_and_send(session, context)
    return sent
