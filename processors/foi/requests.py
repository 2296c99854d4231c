"""Making an FOI request: by email (with confirmation by reply) or by the operator, and sending it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session, select

from processors.context import Context
from processors.foi.authorities import authority_by_slug, close_authorities
from processors.foi.choose import answer_unknown_authority
from processors.mail_out import MailSpec, has_line_break, one_line, queue_mail
from processors.public_view import Redactor, fill_public_fields
from processors.strangers import queue_mail_to_stranger, refusal, short_title
from processors.understanding import Understood
from store.foi_states import AWAITING_CONFIRMATION
from store.models import Counterpart, Thread, ThreadMessage
from store.public_urls import public_url, thread_path
from store.states import SenderTrust

if TYPE_CHECKING:
    from processors.routing import Delivery


class RequestError(ValueError):
    """A request that cannot be made; the message says what to fix."""


def new_request_by_email(delivery: Delivery, slug: str) -> str:
    """Someone wrote to foi-SLUG@: ask the From: address to confirm (or suggest authorities). Returns a
    note. Anyone can write that From:, so both answers are mail to a stranger (processors/strangers.py)."""
    session, context, understood = delivery.session, delivery.context, delivery.understood
    citizen = understood.from_address
    if not citizen:
        return "new request without a usable From address; nothing to answer"
    refused = refusal(delivery, citizen)
    if refused:
        return f"mail to foi-{slug}@: {refused}"
    reply_to_theirs = f"<{understood.message_id}>" if understood.message_id else None
    title = short_title(understood.subject)
    authority = authority_by_slug(session, slug)
    if authority is None:
        return answer_unknown_authority(delivery, slug, citizen, title)
    existing = session.exec(select(Thread).where(Thread.kind == "foi", Thread.state == AWAITING_CONFIRMATION,
                                                 Thread.body == understood.new_text,
                                                 Thread.citizen_email == citizen)).first()
    thread = existing or Thread(kind="foi", title=one_line(understood.subject) or "(no title)",
                                body=understood.new_text.strip(), state=AWAITING_CONFIRMATION, public=False,
                                counterpart_id=authority.id, citizen_name=one_line(understood.from_name) or citizen.split("@")[0],
                                citizen_email=citizen)
    session.add(thread)
    session.flush()
    confirm_address = context.addresses.confirm(thread.id)
    refused = queue_mail_to_stranger(delivery, MailSpec(
        dedupe_key=f"confirm:{thread.id}", kind="foi_confirm", to=citizen, thread_id=thread.id,
        from_address=confirm_address, from_name=context.config.service_name, reply_to=confirm_address,
        values={"title": title or "(no title)", "authority": authority}, in_reply_to=reply_to_theirs))
    return refused or f"request {thread.id} to {authority.slug} awaits confirmation by {citizen}"


def confirm_by_email(session: Session, context: Context, thread: Thread, understood: Understood,
                     trust: SenderTrust) -> str:
    # Confirming sends a request in the requester's name: never on an automatic answer to our
    # confirmation mail, nor on a From: that the sender-trust verdict says is forged.
    if understood.loop_risk or understood.kind != "human":
        return f"ignored automatic mail to the confirm address of request {thread.id}"
    if trust == SenderTrust.FAIL:
        return f"ignored a confirmation of request {thread.id} whose sender-trust verdict is fail"
    if (understood.from_address or "").lower() != thread.citizen_email.lower():
        return f"confirmation for request {thread.id} came from someone else; ignored"
    if thread.state != AWAITING_CONFIRMATION:
        return f"request {thread.id} was already confirmed"
    send_request(session, context, thread)
    return f"request {thread.id} confirmed and sent"


def create_confirmed(session: Session, context: Context, *, authority_slug: str, name: str, email: str,
                     title: str, body: str) -> Thread:
    """The operator's `mailgate foi new`: a request that needs no confirmation."""
    authority = authority_by_slug(session, authority_slug)
    if authority is None:
        close = ", ".join(a.slug for a in close_authorities(session, authority_slug)) or "none"
        raise RequestError(f"no authority with slug {authority_slug!r} (close matches: {close}); "
                           "import authorities with `mailgate import authorities FILE.csv`")
    if "@" not in email:
        raise RequestError(f"--email {email!r} is not an email address")
    if not title.strip() or not body.strip():
        raise RequestError("a request needs a non-empty --title and --body-file")
    for option, value in (("--name", name), ("--title", title), ("--email", email)):
        if has_line_break(value):
            raise RequestError(f"{option} {value!r} contains a line break or another control character; "
                               "it becomes a mail header, so it must be one line")
    thread = Thread(kind="foi", title=title.strip(), body=body.strip(), state=AWAITING_CONFIRMATION,
                    public=False, counterpart_id=authority.id, citizen_name=name.strip(), citizen_email=email.strip())
    session.add(thread)
    session.flush()
    send_request(session, context, thread)
    return thread


def send_request(session: Session, context: Context, thread: Thread) -> None:
    """Confirmed: publish the thread and mail the request to the authority from its address."""
    authority = session.get(Counterpart, thread.counterpart_id)
    now = context.clock.now()
    thread.state, thread.public = "waiting_response", True
    thread.confirmed_at = thread.sent_at = thread.last_activity_at = now
    request_address = context.addresses.authority_facing(thread.id)
    outbox = queue_mail(session, context, MailSpec(
        dedupe_key=f"request:{thread.id}", kind="foi_request", to=authority.email, thread_id=thread.id,
        from_address=request_address, from_name=thread.citizen_name, written_by_a_person=True,
        values={"thread": thread, "authority": authority, "request_address": request_address}))
    message = ThreadMessage(thread_id=thread.id, outbox_id=outbox.id, direction="outgoing", kind="request",
                            from_name=thread.citizen_name, subject=outbox.subject, body_text=thread.body,
                            message_id_header=outbox.message_id_header,
                            arrived_at=outbox.created_at, sent_at=outbox.created_at)
    fill_public_fields(message, Redactor(session, context, thread))
    session.add(message)
    queue_mail(session, context, MailSpec(
        dedupe_key=f"sent:{thread.id}", kind="foi_sent", to=thread.citizen_email, thread_id=thread.id,
        from_address=context.addresses.citizen_facing(thread.id), from_name=context.config.service_name,
        values={"thread": thread, "authority": authority, "url": thread_url(context, thread)}))


def thread_url(context: Context, thread: Thread) -> str:
    return public_url(context.config.site_url, thread_path(thread.id))
