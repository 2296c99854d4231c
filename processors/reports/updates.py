"""After a report is sent: the bodies' replies become public updates (a `Status:` line moves the
state when it is the body's own), forwarded to the reporter; the reporter's replies become
updates too, and answer the questionnaire."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from processors.context import Context
from processors.mail_out import MailSpec, queue_mail
from processors.reports.records import change_state, report_of
from processors.threads import KIND_OF_INCOMING, record_incoming
from store.addresses.posting import same_organisation
from store.models import BodyContact, Counterpart, Thread, ThreadCounterpart, ThreadMessage
from store.public_urls import public_url, thread_path
from store.report_states import COUNCIL_STATUSES, NO_QUESTIONNAIRE, UNSENT, ChangeSource, ReportState
from store.states import SenderTrust

if TYPE_CHECKING:
    from processors.routing import Delivery

_STATUS = re.compile(r"(?im)^\s*status\s*:\s*([a-z' -]{1,40}?)\s*\.?\s*$")
# The questionnaire's answers, NOT FIXED before FIXED (which it contains).
_ANSWERS = ((re.compile(r"(?i)^\W*not\s+fixed\b"), "not fixed"), (re.compile(r"(?i)^\W*fixed\b"), "fixed"),
            (re.compile(r"(?i)^\W*don'?t\s+know\b"), "don't know"))


def from_the_body(delivery: Delivery, thread: Thread, body_id: int | None) -> str:
    """A body's mail: at its own address for the report (`body_id`), or found by references (None)."""
    session, context, understood = delivery.session, delivery.context, delivery.understood
    message = record_incoming(session, context, thread, delivery.inbound, understood,
                              kind=update_kind(understood.kind))
    if message is None:
        return f"inbound {delivery.inbound.id} already in report {thread.id}"
    if message.kind != "update":  # an auto-reply, a bounce, spam: shown marked, changes nothing
        return f"{message.kind} recorded in report {thread.id}; nothing changed"
    note = f"update from a body recorded in report {thread.id}"
    status = status_in(understood.new_text)
    if status is not None:
        why_not = why_status_refused(session, thread, delivery, body_id)
        if why_not:
            message.notes = [*message.notes, f"Status line not applied: {why_not}"]
            note += f"; its Status line was not applied ({why_not})"
        elif change_state(session, context, thread, status, ChangeSource.COUNCIL, message.id):
            note += f"; state now {status}"
    tell_reporter(session, context, thread, message)
    return note


def from_the_reporter(delivery: Delivery, thread: Thread) -> str:
    """The reporter replies to any mail about a sent report: an update, and maybe the questionnaire's answer."""
    session, context, understood = delivery.session, delivery.context, delivery.understood
    message = record_incoming(session, context, thread, delivery.inbound, understood,
                              kind=update_kind(understood.kind))
    if message is None:
        return f"inbound {delivery.inbound.id} already in report {thread.id}"
    message.from_name = "The reporter"  # the reporter's name is private: the body alone sees it, as From:
    if message.kind != "update":
        return f"{message.kind} from the reporter recorded in report {thread.id}; nothing changed"
    report = report_of(session, thread)
    note = f"update from the reporter recorded in report {thread.id}"
    if report.questionnaire_sent_at is not None:
        answer = questionnaire_answer(understood.new_text)
        if answer == "fixed" and thread.state not in NO_QUESTIONNAIRE:
            change_state(session, context, thread, ReportState.FIXED, ChangeSource.QUESTIONNAIRE, message.id)
            note += "; questionnaire: fixed"
        elif answer == "not fixed" and thread.state == ReportState.FIXED:
            change_state(session, context, thread, ReportState.OPEN, ChangeSource.QUESTIONNAIRE, message.id)
            note += "; questionnaire: not fixed, reopened"
        elif answer:
            note += f"; questionnaire: {answer}"
    return note


def status_in(text: str) -> ReportState | None:
    """The state a `Status:` line of the new text asks for.

    >>> status_in("Thanks.\\nStatus: Action scheduled\\nRegards"), status_in("status: done")
    (<ReportState.ACTION_SCHEDULED: 'action_scheduled'>, None)
    """
    match = _STATUS.search(text)
    return COUNCIL_STATUSES.get(" ".join(match[1].split()).lower()) if match else None


def questionnaire_answer(new_text: str) -> str | None:
    """Only the first line of new text counts; a reply that only quotes the question has none.

    >>> questionnaire_answer("Not fixed, still dark"), questionnaire_answer("FIXED!"), questionnaire_answer("")
    ('not fixed', 'fixed', None)
    """
    first = next((line for line in new_text.splitlines() if line.strip()), "")
    return next((answer for pattern, answer in _ANSWERS if pattern.match(first)), None)


def why_status_refused(session: Session, thread: Thread, delivery: Delivery, body_id: int | None) -> str | None:
    """A Status line counts only from the mail domain of the body whose address it came to (of a body the
    report went to, when it came another way): its main address or a contact address; and never on a
    fail verdict. Anyone can write Status: fixed."""
    if delivery.trust == SenderTrust.FAIL:
        return "the sender-trust verdict is fail"
    sender = (delivery.understood.from_address or "").lower()
    domain = sender.rpartition("@")[2]
    if not any(same_organisation(domain, d) for d in body_domains(session, thread, body_id) if d):
        return f"<{sender}> is not at the mail domain of {'the body' if body_id else 'a body'} the report went to"
    return None


def body_domains(session: Session, thread: Thread, body_id: int | None) -> set[str]:
    """The mail domains of one body (or of every body the report went to): its address and its contacts'."""
    if body_id is not None:
        ids = [body_id]
    else:
        ids = [thread.counterpart_id] if thread.counterpart_id else []
        ids += session.exec(select(ThreadCounterpart.counterpart_id).where(ThreadCounterpart.thread_id == thread.id)).all()
    bodies = session.exec(select(Counterpart).where(Counterpart.id.in_(ids))).all() if ids else []
    contacts = session.exec(select(BodyContact.emails).where(BodyContact.counterpart_id.in_(ids))).all() if ids else []
    return {body.email_domain for body in bodies} | {str(e).rpartition("@")[2].lower() for emails in contacts for e in emails}


def tell_reporter(session: Session, context: Context, thread: Thread, message: ThreadMessage) -> None:
    queue_mail(session, context, MailSpec(
        dedupe_key=f"report-update:{message.id}", kind="report_update", to=thread.citizen_email, thread_id=thread.id,
        from_address=context.addresses.citizen_facing(thread.id), from_name=context.config.service_name,
        values={"thread": thread, "message": message, "state": thread.state.replace("_", " "),
                "url": public_url(context.config.site_url, thread_path(thread.id))}))


def is_sent(thread: Thread) -> bool:
    return thread.state not in UNSENT


def update_kind(understood_kind: str) -> str:
    """A person's mail is an update of the report; the rest keeps its mark (auto_reply, bounce, spam)."""
    kind = KIND_OF_INCOMING.get(understood_kind, "reply")
    return "update" if kind == "reply" else kind
