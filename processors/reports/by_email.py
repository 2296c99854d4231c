"""Reporting a problem by email: report@ starts a draft; questions until it is complete; then
confirmation by reply (or WRONG PLACE with the right place) before anything is sent.

Anyone can write any From:, so the first answer to a mail to report@ goes through the gate for
mail to strangers (processors/strangers.py: nothing of theirs repeated but a short title, none on a
fail verdict or to automatic mail, one an hour to an address). The reporter's answers come back to
our token addresses, which only the holder of the address received: mail to an address that
answered so (with a matching From: and no fail verdict) is no longer mail to a stranger.
"""
from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, func, select

from processors.context import Context
from processors.kinds import HoldForOperator
from processors.mail_out import MailSpec, one_line, queue_mail
from processors.reports.drafting import Assessment, assess
from processors.reports.records import change_state, keep_photos, report_of
from processors.reports.sending import send_report
from processors.strangers import queue_mail_to_stranger, refusal, short_title
from processors.threads import lock_thread
from store.addresses.routes import RouteName
from store.models import Report, Thread, ThreadMessage
from store.report_states import ChangeSource, ReportState
from store.states import SenderTrust, ThreadKindName

if TYPE_CHECKING:
    from processors.routing import Delivery

ROUNDS = 3                  # questions asked before the draft is held for an operator
DRAFTS_PER_ADDRESS = 3      # unfinished drafts one address may have at once (a flood makes no more)
_WRONG_PLACE = re.compile(r"(?i)^\s*wrong\s+place\b[\s:,.-]*")


def new_report(delivery: Delivery) -> str:
    """A mail to report@: a draft, and one answer (a question, the confirmation, or why not)."""
    session, context, understood, inbound = delivery.session, delivery.context, delivery.understood, delivery.inbound
    reporter = (understood.from_address or "").lower()
    if not reporter:
        return "report without a usable From address; nothing to answer"
    refused = refusal(delivery, reporter)
    if refused:  # forged, automatic or too frequent: no draft either (nobody could finish it)
        return f"mail to report@: {refused}"
    done = session.exec(select(ThreadMessage.thread_id).where(ThreadMessage.inbound_id == inbound.id)).first()
    if done is not None:
        return f"inbound {inbound.id} already started report {done}"
    unfinished = session.exec(select(func.count()).select_from(Thread).where(
        Thread.kind == ThreadKindName.REPORT, Thread.citizen_email == reporter,
        Thread.state.in_((ReportState.DRAFT, ReportState.AWAITING_CONFIRMATION)))).one()
    if unfinished >= DRAFTS_PER_ADDRESS:
        return f"not starting a report for <{reporter}>: {unfinished} unfinished drafts already"
    thread = Thread(kind=ThreadKindName.REPORT, title=one_line(understood.subject)[:500] or "(no title)",
                    body=understood.new_text.strip(), state=ReportState.DRAFT, public=False,
                    citizen_email=reporter)
    session.add(thread)
    session.flush()
    report = Report(thread_id=thread.id, reporter_name=one_line(understood.from_name)[:300])
    session.add(report)
    _keep_mail(delivery, thread)
    keep_photos(session, context, thread.id, understood.attachments)
    assessment = assess(session, report, f"{understood.subject}\n{understood.new_text}", understood.attachments)
    return _answer(delivery, thread, report, assessment, first_contact=True)


def draft_answer(delivery: Delivery, thread: Thread) -> str:
    """The reporter answers a question about a draft (at the thread's reply address)."""
    _must_be_the_reporter(delivery, thread)
    if not _keep_mail(delivery, thread):
        return f"inbound {delivery.inbound.id} already in report {thread.id}"
    report = report_of(delivery.session, thread)
    keep_photos(delivery.session, delivery.context, thread.id, delivery.understood.attachments)
    assessment = assess(delivery.session, report, delivery.understood.new_text, delivery.understood.attachments,
                        earlier=f"{thread.title}\n{thread.body}")
    return _answer(delivery, thread, report, assessment, first_contact=False)


def confirmation(delivery: Delivery, thread: Thread) -> str:
    """A reply to the confirmation mail: send the report, or (WRONG PLACE …) find the place again."""
    understood = delivery.understood
    if understood.loop_risk or understood.kind != "human":
        return f"ignored automatic mail to the confirm address of report {thread.id}"
    _must_be_the_reporter(delivery, thread)
    if thread.state != ReportState.AWAITING_CONFIRMATION:
        return f"report {thread.id} was already confirmed"
    if not _keep_mail(delivery, thread):
        return f"inbound {delivery.inbound.id} already in report {thread.id}"
    report = report_of(delivery.session, thread)
    wrong = _WRONG_PLACE.match(understood.new_text)
    if wrong:
        rest = understood.new_text[wrong.end():]
        assessment = assess(delivery.session, report, rest, understood.attachments, wrong_place=True,
                            earlier=f"{thread.title}\n{thread.body}")
        return _answer(delivery, thread, report, assessment, first_contact=False)
    send_report(delivery.session, delivery.context, thread, report)
    return f"report {thread.id} confirmed and sent"


def _answer(delivery: Delivery, thread: Thread, report: Report, assessment: Assessment, first_contact: bool) -> str:
    session, context = delivery.session, delivery.context
    title = short_title(thread.title) or "(no title)"
    base = {"title": title, "report": report}
    if assessment.unroutable:
        change_state(session, context, thread, ReportState.EXPIRED, ChangeSource.SERVICE)
        spec = MailSpec(dedupe_key=f"report-unroutable:{thread.id}", kind="report_unroutable",
                        to=thread.citizen_email, thread_id=thread.id, from_address=_general(context),
                        from_name=context.config.service_name,
                        values=base | {"bodies": assessment.place.bodies if assessment.place else []})
        return _send(delivery, spec, first_contact) or f"report {thread.id}: no body there takes reports"
    if assessment.asking:
        report.rounds += 1
        report.asking, report.last_asked_at = assessment.asking, context.clock.now()
        if report.rounds > ROUNDS:
            change_state(session, context, thread, ReportState.HELD, ChangeSource.REPORTER)
            delivery.hold(delivery.inbound.rcpt_to[0] if delivery.inbound.rcpt_to else "report",
                          f"report {thread.id} is still missing its {assessment.asking} after {ROUNDS} questions")
            spec = MailSpec(dedupe_key=f"report-held:{thread.id}", kind="report_held", to=thread.citizen_email,
                            thread_id=thread.id, from_address=context.addresses.citizen_facing(thread.id),
                            from_name=context.config.service_name, values=base)
            return _send(delivery, spec, first_contact) or f"report {thread.id} held after {ROUNDS} questions"
        change_state(session, context, thread, ReportState.DRAFT, ChangeSource.REPORTER)
        reply_to = context.addresses.citizen_facing(thread.id)
        spec = MailSpec(dedupe_key=f"report-ask:{thread.id}:{report.rounds}", kind="report_ask",
                        to=thread.citizen_email, thread_id=thread.id, from_address=reply_to, reply_to=reply_to,
                        from_name=context.config.service_name,
                        values=base | {"asking": assessment.asking, "why": assessment.why,
                                       "choices": assessment.choices, "rounds_left": ROUNDS - report.rounds})
        return _send(delivery, spec, first_contact) or f"report {thread.id}: asked for its {assessment.asking}"
    report.asking = ""
    bodies = sorted({r.body.name for r in assessment.responsible})
    thread.counterpart_id = assessment.responsible[0].body.id
    change_state(session, context, thread, ReportState.AWAITING_CONFIRMATION, ChangeSource.REPORTER)
    confirm_address = context.addresses.confirm(thread.id)
    spec = MailSpec(dedupe_key=f"report-confirm:{thread.id}:{delivery.inbound.id}", kind="report_confirm",
                    to=thread.citizen_email, thread_id=thread.id, from_address=confirm_address,
                    reply_to=confirm_address, from_name=context.config.service_name,
                    values=base | {"bodies": bodies, "place": place_words(report, assessment),
                                   "category": report.category})
    return _send(delivery, spec, first_contact) or f"report {thread.id} for {', '.join(bodies)} awaits confirmation"


def place_words(report: Report, assessment: Assessment) -> str:
    """The place as the confirmation names it: ours (numbers, a normalised postcode, a council), never the
    reporter's own words."""
    council = assessment.place.council.name if assessment.place and assessment.place.council else ""
    if report.lat is not None and report.lon is not None:
        where = f"{report.lat:.5f},{report.lon:.5f} (from {report.location_source})"
    else:
        where = f"postcode {assessment.place.postcode if assessment.place else report.postcode}"
    return f"{where}, in {council}" if council else where


def _send(delivery: Delivery, spec: MailSpec, first_contact: bool) -> str | None:
    if first_contact:
        return queue_mail_to_stranger(delivery, spec)
    queue_mail(delivery.session, delivery.context, spec)
    return None


def _general(context: Context) -> str:
    return context.addresses.service(RouteName.GENERAL, "help")


def _must_be_the_reporter(delivery: Delivery, thread: Thread) -> None:
    sender = (delivery.understood.from_address or "").lower()
    if sender != thread.citizen_email.lower():
        raise HoldForOperator(f"report {thread.id}: mail from <{sender}>, who is not the reporter")
    if delivery.trust == SenderTrust.FAIL:
        raise HoldForOperator(f"report {thread.id}: the sender-trust verdict of the reporter's mail is fail")


def _keep_mail(delivery: Delivery, thread: Thread) -> bool:
    """Keep the reporter's mail in the thread, hidden (what is published is the report as sent);
    False when this inbound message is there already (actors run at least once)."""
    session, understood, inbound = delivery.session, delivery.understood, delivery.inbound
    lock_thread(session, thread.id)
    if session.exec(select(ThreadMessage.id).where(ThreadMessage.thread_id == thread.id,
                                                   ThreadMessage.inbound_id == inbound.id)).first() is not None:
        return False
    session.add(ThreadMessage(thread_id=thread.id, inbound_id=inbound.id, direction="incoming", kind="follow_up",
                              from_name=one_line(understood.from_name)[:300], from_address=understood.from_address or "",
                              subject=understood.subject[:998], body_text=understood.new_text,
                              quoted_text=understood.quoted_text, hidden=True, arrived_at=inbound.received_at))
    session.flush()
    thread.last_activity_at = delivery.context.clock.now()  # a draft expires 14 days after the last word
    return True


def expire_drafts(session: Session, context: Context, after: timedelta) -> int:
    """Drafts unanswered for `after` (14 days) expire, with a last mail."""
    cutoff = context.clock.now() - after
    stale = session.exec(select(Thread).join(Report, Report.thread_id == Thread.id).where(
        Thread.kind == ThreadKindName.REPORT, Thread.state.in_((ReportState.DRAFT, ReportState.AWAITING_CONFIRMATION)),
        Thread.last_activity_at <= cutoff)).all()
    for thread in stale:
        change_state(session, context, thread, ReportState.EXPIRED, ChangeSource.SERVICE)
        queue_mail(session, context, MailSpec(
            dedupe_key=f"report-expired:{thread.id}", kind="report_expired", to=thread.citizen_email,
            thread_id=thread.id, from_address=context.addresses.citizen_facing(thread.id),
            from_name=context.config.service_name, values={"title": short_title(thread.title) or "(no title)"}))
    return len(stale)
