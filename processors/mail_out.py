"""Compose an outbound mail from a template and put it in the outbox (idempotently).

Every outbound mail gets our own Message-ID, a VERP return path naming its
outbox row (so a bounce finds its way back), and `Auto-Submitted:
auto-generated` unless a person wrote it (a request or follow-up).

Mail about a thread threads in the reader's mail client: unless its sender set
In-Reply-To/References itself (a follow-up answers the authority's last mail),
a mail answers the previous mail of the same thread to the same address and
names the earlier ones, back to what that first mail answered (the citizen's
own request). So the citizen sees "please confirm", "it has been sent", each
"new response" and each reminder as one conversation.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import format_datetime, formataddr

from sqlmodel import Session, select

from processors.context import Context
from store.models import Outbox

_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable in any mail client's "view source", unlike base64
# References named at most: the conversation's root, its first mail and the latest ones (RFC 5322
# asks for the root and the parent; clients thread on any of them, and a header stays short).
MAX_REFERENCES = 10


# Mail to an address that has not shown it is who it says (a forger can write any From:): only
# processors/strangers.py queues these, with what they may repeat and how often.
STRANGER_KINDS = frozenset({"foi_confirm", "foi_unknown_authority", "challenge", "letter_confirm", "letter_need_postcode",
                            "letter_need_address", "letter_no_email", "letter_choose", "letter_limited",
                            "alert_confirm", "alert_unknown"})


@dataclass
class MailSpec:
    dedupe_key: str              # same key twice = same mail once (actors run at least once)
    kind: str                    # template name under templates/mail/
    to: str
    from_address: str
    from_name: str
    values: dict = field(default_factory=dict)
    thread_id: int | None = None
    reply_to: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    written_by_a_person: bool = False
    to_stranger: bool = False    # set by processors/strangers.py only
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # (filename, content type, bytes)
    headers: dict[str, str] = field(default_factory=dict)  # more headers (a digest's List-*, Precedence)


def queue_mail(session: Session, context: Context, spec: MailSpec) -> Outbox:
    if spec.kind in STRANGER_KINDS and not spec.to_stranger:
        raise ValueError(f"{spec.kind} mail goes to a stranger: queue it with processors.strangers")
    with session.no_autoflush:  # a read must not start the write transaction early (see below)
        existing = session.exec(select(Outbox).where(Outbox.dedupe_key == spec.dedupe_key)).first()
    if existing is not None:
        return existing
    # Render, build and sign before the row is flushed: on SQLite the flush takes the
    # store's one write lock, and the gateways' commits (the 250s) wait for it.
    rendered = context.render_mail(spec.kind, **spec.values)
    subject, _, body = rendered.partition("\n")
    subject = subject.removeprefix("Subject:").strip()
    body = body.lstrip("\n")
    message_id = f"<{uuid.uuid4().hex}@{context.config.domain}>"
    spec = _threaded(session, spec)
    raw = context.sign(_build(spec, subject, body, message_id, context.clock.now()))
    row = Outbox(dedupe_key=spec.dedupe_key, kind=spec.kind, thread_id=spec.thread_id, to_address=spec.to,
                 from_address=spec.from_address, message_id_header=message_id, subject=subject, raw=raw)
    session.add(row)
    session.flush()  # the id names the VERP address
    row.envelope_from = context.addresses.verp(row.id)
    session.info.setdefault("outbox_to_send", []).append(row.id)
    return row


def _threaded(session: Session, spec: MailSpec) -> MailSpec:
    """`spec` answering the earlier mails of its thread to the same address (see the module's docstring)."""
    if spec.thread_id is None or spec.in_reply_to or spec.references:
        return spec
    with session.no_autoflush:
        earlier = session.exec(select(Outbox.id, Outbox.message_id_header)
                               .where(Outbox.thread_id == spec.thread_id, Outbox.to_address == spec.to)
                               .order_by(Outbox.id)).all()
        if not earlier:
            return spec
        first = session.exec(select(Outbox.raw).where(Outbox.id == earlier[0][0])).one()
    headers = BytesHeaderParser(policy=compat32).parsebytes(first, headersonly=True)
    root = str(headers["References"] or headers["In-Reply-To"] or "").split()[:1]
    ids = root + [message_id for _, message_id in earlier if message_id]
    if len(ids) > MAX_REFERENCES:
        ids = ids[:2] + ids[2 - MAX_REFERENCES:]
    return replace(spec, in_reply_to=ids[-1], references=ids)


# Line breaks and other control characters: in a header value they would end the header (or
# the whole header block) early and let a stranger's text write headers of its own.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(text: str) -> str:
    r"""The one builder of header text: control characters, line breaks first, folded to a space.

    >>> one_line("Jo\r\n\r\nBcc: x@evil.example")
    'Jo Bcc: x@evil.example'
    """
    return " ".join(_CONTROL.sub(" ", text).split())


def has_line_break(text: str) -> bool:
    return bool(_CONTROL.search(text))


def _build(spec: MailSpec, subject: str, body: str, message_id: str, now: datetime) -> bytes:
    # The compat32 classes build the same RFC 5322 bytes as EmailMessage at a
    # seventh of the cost, which matters at one or two mails per inbound message.
    message: MIMEText | MIMEMultipart = MIMEText(body, "plain", _UTF8_QP)
    if spec.attachments:  # a problem report's photos
        message = MIMEMultipart("mixed", _subparts=[message])
        for filename, content_type, data in spec.attachments:
            maintype, _, subtype = content_type.partition("/")
            part = MIMEApplication(data, subtype or "octet-stream")
            part.replace_header("Content-Type", f"{maintype}/{subtype}" if subtype else "application/octet-stream")
            part.add_header("Content-Disposition", "attachment", filename=one_line(filename) or "photo")
            message.attach(part)
    subject = one_line(subject)
    message["From"] = formataddr((one_line(spec.from_name), one_line(spec.from_address)), charset="utf-8")
    message["To"] = one_line(spec.to)
    if spec.reply_to:
        message["Reply-To"] = one_line(spec.reply_to)
    message["Subject"] = Header(subject, "utf-8") if not subject.isascii() else subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    if spec.in_reply_to:
        message["In-Reply-To"] = spec.in_reply_to
    if spec.references:
        message["References"] = " ".join(spec.references)
    if not spec.written_by_a_person:
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: nobody should auto-answer it
    for name, value in spec.headers.items():
        message[name] = one_line(value)
    return message.as_bytes(policy=compat32.clone(linesep="\r\n"))  # SMTP wants CRLF


def commit_and_send(session: Session, context: Context) -> list[int]:
    """Commit, then ask the queue to deliver each mail this session put in the outbox.

    In that order: a worker asked to deliver must find the row committed. Should the
    process die in between, the sweeper finds the pending rows in the store.
    """
    session.commit()
    outbox_ids = list(session.info.pop("outbox_to_send", []))
    for outbox_id in outbox_ids:
        context.queue.deliver_outbound(outbox_id)
    return outbox_ids
