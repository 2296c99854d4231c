"""Writing to a representative by email: `write@` with a postcode, or `write-SLUG@` directly.

The postcode is the first in the subject, else on the letter's first line, else on its last (the
address block that must end a letter anyway: processors/letters/letter_text.py).

Anyone can write any From:, so every answer to a new letter is mail to a stranger
(processors/strangers.py): it repeats nothing the sender wrote but a short title, and is
limited like any other. A letter waits for confirmation (a reply to the confirmation mail, at
the thread's confirm address); at most two confirmation mails go out for one letter (the
second when the same letter is sent again), and a letter not confirmed within
CONFIRM_WITHIN is expired (processors/letters/expiry.py). Confirmed, it goes to the
representative from "Constituent Name <letter-ID-TOKEN@DOMAIN>", with the postal address and
a footer saying replies reach the constituent. Nothing of a letter is ever published.
"""
from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from processors.context import Context
from processors.letters.letter_text import address_block, closing_postcode, first_line, postcode_in
from processors.letters.moderation import hold_if_template
from processors.letters.rate import count_delivered, over_limit
from processors.letters.replies import LETTER_DELIVERY
from processors.letters.representation import NoConstituency, Representing, representative_by_slug, representatives_of
from processors.letters.retention import remember_inbound
from processors.letters.routes import LETTER, NEW_LETTER, write_to_address
from processors.mail_out import MailSpec, one_line, queue_mail
from processors.strangers import queue_mail_to_stranger, refusal, short_title
from store.models import Counterpart, Thread, ThreadMessage
from store.representatives import Letter
from store.states import SenderTrust, ThreadKindName

if TYPE_CHECKING:
    from processors.routing import Delivery

AWAITING_CONFIRMATION, SENT = "awaiting_confirmation", "sent"
CONFIRM_WITHIN = timedelta(days=7)
MAX_CONFIRMATIONS = 2
MAX_NAME, MAX_ADDRESS_LINE = 300, 200  # thread.citizen_name's column; an address line is a few dozen characters


def new_letter(delivery: Delivery, person_slug: str | None) -> str:
    """Mail to write@ (person_slug None: find the MP by the postcode) or write-SLUG@. Returns a note."""
    session, context, understood = delivery.session, delivery.context, delivery.understood
    citizen = understood.from_address
    if not citizen:
        return "new letter without a usable From address; nothing to answer"
    refused = refusal(delivery, citizen)
    if refused:
        return f"new letter: {refused}"
    text = understood.new_text.replace("\r\n", "\n").strip()
    postcode = postcode_in(understood.subject) or postcode_in(first_line(text)) or closing_postcode(text)
    if person_slug is not None:
        representative = representative_by_slug(session, person_slug, context.clock.now().date())
        if representative is None:  # nobody, or somebody whose seats have all ended
            return _answer(delivery, "letter_need_postcode", "unknown-person",
                           reason=f"No representative has the address {write_to_address(person_slug, context.config.domain)}"
                                  " today.")
    else:
        if postcode is None:
            return _answer(delivery, "letter_need_postcode", "no-postcode",
                           reason="Your mail had no postcode in its subject, its first line or its last.")
        try:
            constituency, found = representatives_of(session, postcode, context.clock.now().date())
        except NoConstituency as exc:
            return _answer(delivery, "letter_need_postcode", "unknown-postcode", reason=str(exc))
        if not found:
            return _answer(delivery, "letter_need_postcode", "nobody",
                           reason=f"{postcode} is in {constituency.name}, and mailgate has no MP for it today.")
        if len(found) > 1:
            return _answer(delivery, "letter_choose", "several", representatives=found, postcode=postcode)
        representative = found[0]
    if not representative.accepts_email:
        return _answer(delivery, "letter_no_email", "no-email", representative=representative)
    block = address_block(text, postcode) if postcode else None
    if postcode is None or block is None:
        return _answer(delivery, "letter_need_address", "no-address", representative=representative)
    over = over_limit(session, context, citizen, representative.email)
    if over is not None:
        return _answer(delivery, "letter_limited", f"over the {over.setting}", representative=representative,
                       over=over)
    body = text if postcode_in(first_line(text)) is None or first_line(text).strip() != postcode else \
        text.split("\n", 1)[1].strip()  # a first line that is only the postcode is not part of the letter
    return _ask_to_confirm(delivery, representative, postcode, block, body)


def _ask_to_confirm(delivery: Delivery, representative: Representing, postcode: str, block: str, body: str) -> str:
    session, context, understood = delivery.session, delivery.context, delivery.understood
    citizen = understood.from_address or ""
    existing = session.exec(select(Thread).where(Thread.kind == ThreadKindName.LETTER,
                                                 Thread.state == AWAITING_CONFIRMATION, Thread.body == body,
                                                 Thread.citizen_email == citizen,
                                                 Thread.counterpart_id == representative.counterpart_id)).first()
    if existing is not None:
        letter = session.get(Letter, existing.id)
        assert letter is not None
        if letter.confirmations_sent >= MAX_CONFIRMATIONS:
            return f"letter {existing.id} sent again; {MAX_CONFIRMATIONS} confirmation mails already went, none more"
        thread = existing
    else:
        name = _visible(block.splitlines()[0])[:MAX_NAME]  # a From: display name: one line, bounded
        thread = Thread(kind=ThreadKindName.LETTER, title=one_line(understood.subject)[:500] or "(no subject)",
                        body=body, state=AWAITING_CONFIRMATION, public=False,
                        counterpart_id=representative.counterpart_id, citizen_name=name, citizen_email=citizen)
        session.add(thread)
        session.flush()
        assert thread.id is not None
        letter = Letter(thread_id=thread.id, postcode=postcode,
                        postal_address="\n".join(one_line(line)[:MAX_ADDRESS_LINE] for line in block.splitlines()[1:]))
        session.add(letter)
    assert thread.id is not None
    remember_inbound(letter, delivery.inbound.id)  # the letter as written: deleted with its text
    confirm_address = context.addresses.confirm(thread.id)
    refused = queue_mail_to_stranger(delivery, MailSpec(
        dedupe_key=f"letter-confirm:{thread.id}:{letter.confirmations_sent + 1}", kind="letter_confirm", to=citizen,
        thread_id=thread.id, from_address=confirm_address, from_name=context.config.service_name,
        reply_to=confirm_address, values={"title": short_title(understood.subject) or "(no subject)",
                                          "representative": representative, "days": CONFIRM_WITHIN.days},
        in_reply_to=f"<{understood.message_id}>" if understood.message_id else None))
    if refused:
        return refused
    letter.confirmations_sent += 1
    return f"letter {thread.id} to {representative.slug} awaits confirmation by {citizen}"


def confirm_letter(delivery: Delivery, thread: Thread) -> str:
    """A reply to the confirmation mail: deliver the letter. Never on automatic mail, a forged From:
    or someone else's address (confirming sends a letter in the constituent's name)."""
    understood = delivery.understood
    letter = delivery.session.get(Letter, thread.id)
    if letter is not None:
        remember_inbound(letter, delivery.inbound.id)  # a reply may quote the letter: deleted with it
    if understood.loop_risk or understood.kind != "human":
        return f"ignored automatic mail to the confirm address of letter {thread.id}"
    if delivery.trust == SenderTrust.FAIL:
        return f"ignored a confirmation of letter {thread.id} whose sender-trust verdict is fail"
    if (understood.from_address or "").lower() != thread.citizen_email.lower():
        return f"confirmation for letter {thread.id} came from someone else; ignored"
    if thread.state != AWAITING_CONFIRMATION:
        return f"letter {thread.id} is {thread.state}, not awaiting confirmation"
    representative = delivery.session.get(Counterpart, thread.counterpart_id)
    assert representative is not None
    over = over_limit(delivery.session, delivery.context, thread.citizen_email, representative.email)
    if over is not None:  # letters written together, confirmed together: the limit holds at sending
        context = delivery.context
        refused = queue_mail_to_stranger(delivery, MailSpec(
            dedupe_key=f"letter_limited:{delivery.inbound.id}", kind="letter_limited", to=thread.citizen_email,
            thread_id=thread.id, from_address=context.addresses.service(NEW_LETTER.name),
            from_name=context.config.service_name,
            values={"title": short_title(thread.title), "representative": representative, "over": over}))
        return f"letter {thread.id} confirmed over the {over.setting}; not sent" + (f" ({refused})" if refused else "")
    held = hold_if_template(delivery.session, delivery.context, thread)
    if held is not None:
        return f"letter {thread.id} held for a moderator: {held.score:.2f} alike to letter {held.thread_id}"
    deliver_letter(delivery.session, delivery.context, thread)
    return f"letter {thread.id} confirmed and sent"


def deliver_letter(session: Session, context: Context, thread: Thread) -> None:
    assert thread.id is not None
    representative = session.get(Counterpart, thread.counterpart_id)
    letter = session.get(Letter, thread.id)
    assert representative is not None and letter is not None
    now = context.clock.now()
    thread.state, thread.confirmed_at, thread.sent_at, thread.last_activity_at = SENT, now, now, now
    count_delivered(session, context, thread.id, thread.citizen_email, representative.email)
    letter_address = context.addresses.address(LETTER.name, thread.id)
    outbox = queue_mail(session, context, MailSpec(
        dedupe_key=f"letter:{thread.id}", kind=LETTER_DELIVERY, to=representative.email, thread_id=thread.id,
        from_address=letter_address, from_name=thread.citizen_name, written_by_a_person=True,
        values={"thread": thread, "letter": letter, "representative": representative}))
    session.add(ThreadMessage(thread_id=thread.id, outbox_id=outbox.id, direction="outgoing", kind="request",
                              from_name=thread.citizen_name, subject=outbox.subject, body_text=thread.body,
                              message_id_header=outbox.message_id_header, arrived_at=outbox.created_at,
                              sent_at=outbox.created_at))  # no public fields: a letter is never published
    queue_mail(session, context, MailSpec(
        dedupe_key=f"letter-sent:{thread.id}", kind="letter_sent", to=thread.citizen_email, thread_id=thread.id,
        from_address=context.addresses.citizen_facing(thread.id), from_name=context.config.service_name,
        values={"thread": thread, "representative": representative}))


def _visible(text: str) -> str:
    """One line without format characters: a right-to-left override (U+202E) in a From: name would
    show the MP a name other than the one sent."""
    return " ".join("".join(c for c in one_line(text) if unicodedata.category(c) != "Cf").split())


def _answer(delivery: Delivery, kind: str, why: str, **values: object) -> str:
    """One answer to a new letter that was not accepted, to the stranger who sent it."""
    context, understood, citizen = delivery.context, delivery.understood, delivery.understood.from_address or ""
    refused = queue_mail_to_stranger(delivery, MailSpec(
        dedupe_key=f"{kind}:{delivery.inbound.id}", kind=kind, to=citizen,
        from_address=context.addresses.service(NEW_LETTER.name), from_name=context.config.service_name,
        values={"title": short_title(understood.subject), "write": context.addresses.service(NEW_LETTER.name),
                **values}, in_reply_to=f"<{understood.message_id}>" if understood.message_id else None))
    return refused or f"new letter not accepted ({why}); told {citizen}"
