"""Mail to strangers: one gate for every mail sent to an address that has not shown it is who it says.

Anyone can write any From:. Mail to foi-SLUG@ is answered at the From: address (a
confirmation, or "we don't know that authority"), and so is a challenge; with DKIM
that answer goes out signed by our domain. So a forger could make mailgate mail
anyone their words and links. Every such mail goes through `queue_mail_to_stranger`:

- it repeats nothing the sender wrote but `short_title`: the subject with links and
  addresses removed, cut to TITLE_CHARS; the templates greet no name;
- none at all when the sender-trust verdict is fail or the mail is automatic;
- at most `stranger_mails_per_hour` to one address, and `stranger_mails_per_client_per_day`
  caused by one SMTP client (the `peer` that delivered the message), counted in the
  store (processors/limits.py) and reset with `mailgate limits reset ADDRESS`. The hourly
  limit does not hold back the answer to a message replayed because its sender replied to
  a token address we mailed them (`Delivery.confirmed`): they have shown they read that
  mailbox and are waiting for the answer; the client's daily cap still counts it.

queue_mail refuses a template of STRANGER_KINDS (processors/mail_out.py) that did not
come through here.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlmodel import select

from processors import limits
from processors.mail_out import MailSpec, one_line, queue_mail
from processors.understanding.redact import EMAIL
from store.models import Outbox
from store.states import SenderTrust

if TYPE_CHECKING:
    from processors.routing import Delivery

TITLE_CHARS = 80
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
_LINK = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*:/\S*|\bwww\.\S*|\bmailto:\S*)")
_DOMAIN = re.compile(r"(?i)\b(?:[a-z0-9-]+\.)+[a-z]{2,24}\b(?:[/?#]\S*)?")
_SPACE_BEFORE_STOP = re.compile(r"\s+([,.;:!?])")


def short_title(text: str, limit: int = TITLE_CHARS) -> str:
    """The sender's subject as we may repeat it: no links, no addresses, one line, at most `limit` chars.

    >>> short_title("WIN at http://spam.example/x or www.pills.example, mail sales@spam.example or spam.example now")
    'WIN at or mail or now'
    >>> short_title("Library opening hours in 2024 and the staffing of each branch, by month and by grade of staff")
    'Library opening hours in 2024 and the staffing of each branch, by month and by…'
    """
    text = _DOMAIN.sub(" ", _LINK.sub(" ", EMAIL.sub(" ", one_line(text))))
    text = _SPACE_BEFORE_STOP.sub(r"\1", " ".join(text.split())).strip(" ,.;:")
    if len(text) > limit:
        text = text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
    return text


def refusal(delivery: Delivery, to: str, answers_the_sender: bool = True) -> str | None:
    """Why no mail may go to this stranger now, or None. A challenge goes to a thread's registered
    address, not to whoever the message claims to be from (`answers_the_sender=False`): a fail verdict
    is the reason it is sent, and it is limited like any other."""
    understood, config = delivery.understood, delivery.context.config
    if answers_the_sender and delivery.trust == SenderTrust.FAIL:
        return f"not answering <{to}>: the sender-trust verdict is fail"
    if understood.loop_risk or understood.kind != "human":
        return f"not answering {understood.kind} mail from <{to}> ({understood.kind_reason or 'loop risk'})"
    now = delivery.context.clock.now()
    if not delivery.confirmed and limits.count_since(delivery.session, "stranger", now - HOUR,
                                                     address=to.lower()) >= config.stranger_mails_per_hour:
        return (f"not answering <{to}>: already {config.stranger_mails_per_hour} mail(s) to it in the last hour "
                "(MAILGATE_STRANGER_MAILS_PER_HOUR)")
    client = delivery.inbound.peer
    if client and limits.count_since(delivery.session, "stranger", now - DAY,
                                     client=client) >= config.stranger_mails_per_client_per_day:
        return (f"not answering <{to}>: client {client} caused {config.stranger_mails_per_client_per_day} "
                "such mails today (MAILGATE_STRANGER_MAILS_PER_CLIENT_PER_DAY)")
    return None


def queue_mail_to_stranger(delivery: Delivery, spec: MailSpec, answers_the_sender: bool = True) -> str | None:
    """Queue `spec` to a stranger, counted; returns why it was not sent (None: queued, or queued before)."""
    session = delivery.session
    with session.no_autoflush:
        if session.exec(select(Outbox.id).where(Outbox.dedupe_key == spec.dedupe_key)).first() is not None:
            return None  # this message was answered already (actors run at least once)
    why_not = refusal(delivery, spec.to, answers_the_sender)
    if why_not is not None:
        return why_not
    limits.record(session, "stranger", delivery.context.clock.now(), thread_id=spec.thread_id,
                  address=spec.to.lower(), client=delivery.inbound.peer)
    queue_mail(session, delivery.context, replace(spec, to_stranger=True))
    return None
