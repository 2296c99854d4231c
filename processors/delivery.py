"""Deliver one outbox row: via the SMTP relay, or into the local Maildir when none is set.

The row's state is the lock: only a `pending` row that is due gets claimed, so
two deliveries of the same queue message send the mail once.
"""
from __future__ import annotations

import logging
import mailbox
import smtplib
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from processors.context import Context
from store.hostport import parse_host_port
from store.models import Outbox
from store.states import OutboxState
from store.traffic_log import log_delivery

log = logging.getLogger(__name__)
MAX_DELIVERY_ATTEMPTS = 8
SENDING_LEASE = timedelta(minutes=10)  # a claim older than this is taken to have crashed


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most six hours.

    >>> backoff(1), backoff(3)
    (datetime.timedelta(seconds=60), datetime.timedelta(seconds=240))
    """
    return timedelta(seconds=min(60 * 2 ** (attempts - 1), 6 * 3600))


class PermanentFailure(Exception):
    pass


def claim(context: Context, outbox_id: int) -> Outbox | None:
    now = context.clock.now()
    with context.engine.begin() as connection:
        claimed = connection.execute(
            sa.update(Outbox).where(Outbox.id == outbox_id, Outbox.state == OutboxState.PENDING,
                                    Outbox.next_attempt_at <= now)
            .values(state=OutboxState.SENDING, attempts=Outbox.attempts + 1, next_attempt_at=now + SENDING_LEASE))
        if claimed.rowcount != 1:
            return None
    with Session(context.engine, expire_on_commit=False) as session:
        return session.get(Outbox, outbox_id)


def transmit(context: Context, row: Outbox) -> None:
    relay = context.config.relay
    if not relay:
        maildir = context.config.outbox_maildir
        for sub in ("tmp", "new", "cur"):  # mailbox.Maildir only makes these for a new folder
            (maildir / sub).mkdir(parents=True, exist_ok=True)
        mailbox.Maildir(maildir, create=True).add(
            b"Return-Path: <" + row.envelope_from.encode() + b">\r\n" + row.raw)
        return
    host, port = parse_host_port(relay, "MAILGATE_RELAY")
    try:
        with smtplib.SMTP(host, port, local_hostname=context.config.domain, timeout=60) as smtp:
            smtp.sendmail(row.envelope_from, [row.to_address], row.raw)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        if 500 <= code < 600:
            raise PermanentFailure(f"{code} {text.decode(errors='replace')}") from None
        raise
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}") from None
        raise


def deliver_outbound(context: Context, outbox_id: int) -> str:
    """Returns the row's new state (or 'skipped' when it was not ours to send)."""
    row = claim(context, outbox_id)
    if row is None:
        return "skipped"
    try:
        transmit(context, row)
    except PermanentFailure as exc:
        log_delivery(outbox_id, row.kind, row.thread_id, f"failed ({exc})")
        return _finish(context, outbox_id, OutboxState.FAILED, str(exc))
    except (OSError, smtplib.SMTPException, TimeoutError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        if row.attempts >= MAX_DELIVERY_ATTEMPTS:
            log_delivery(outbox_id, row.kind, row.thread_id, f"failed after {row.attempts} attempts ({error})")
            return _finish(context, outbox_id, OutboxState.FAILED, f"gave up after {row.attempts} attempts: {error}")
        log_delivery(outbox_id, row.kind, row.thread_id, f"retry in {backoff(row.attempts)} ({error})")
        due = context.clock.now() + backoff(row.attempts)
        _finish(context, outbox_id, OutboxState.PENDING, error, next_attempt_at=due)
        context.queue.deliver_outbound(outbox_id, delay=backoff(row.attempts))
        return OutboxState.PENDING
    relay = context.config.relay
    log_delivery(outbox_id, row.kind, row.thread_id, f"sent via {relay}" if relay else "sent to the Maildir")
    return _finish(context, outbox_id, OutboxState.SENT, "", sent_at=context.clock.now())


def _finish(context: Context, outbox_id: int, state: str, error: str, **values) -> str:
    with context.engine.begin() as connection:
        connection.execute(sa.update(Outbox).where(Outbox.id == outbox_id)
                           .values(state=state, last_error=error, **values))
    if state == OutboxState.FAILED:
        log.warning("outbox %s failed: %s", outbox_id, error)
    return state
