"""A whole mailgate service in a background thread of this process, and a mail catcher.

Used by `mailgate demo` and by the tests: the service is the real one (gateway,
store, broker, worker threads, sweeper), bound to an ephemeral port, so a caller
can talk to it with a real SMTP client and then read the store.
"""
from __future__ import annotations

import email
import email.policy
import mailbox
import smtplib
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from mailgate.runtime.archive_builder import archive_current
from mailgate.runtime.configs import archive_config
from mailgate.runtime.service import Service
from mailgate.runtime.settings import Settings
from processors.context import Context
from processors.kinds import KindRegistry
from processors.sweeper import sweep
from store.clock import MovableClock
from store.models import InboundMessage, Outbox
from store.states import UNFINISHED_INBOUND, OutboxState


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class CaughtMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()


class MailCatcher:
    """A real SMTP server standing in for the authorities' and citizens' mail systems."""

    def __init__(self, maildir: Path | None = None):
        """`maildir`: also keep each caught mail there, for a person to read (the demo)."""
        self.caught: list[CaughtMail] = []
        self.maildir = mailbox.Maildir(maildir, create=True) if maildir is not None else None
        self.refuse: dict[str, str] = {}  # address → SMTP reply, to make a recipient fail
        # aiosmtpd's Controller checks it started by connecting to its port, so it
        # needs a real number rather than 0.
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.caught.append(CaughtMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        if self.maildir is not None:
            self.maildir.add(envelope.original_content)
        return "250 OK"

    def start(self) -> MailCatcher:
        self.controller.start()
        return self

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.controller.port}"

    def to(self, recipient: str) -> list[CaughtMail]:
        return [m for m in self.caught if recipient.lower() in (r.lower() for r in m.rcpt_tos)]

    def stop(self) -> None:
        self.controller.stop()


@dataclass
class BackgroundService:
    """The real `Service` (mailgate/runtime/service.py) on ephemeral loopback ports in this process,
    with what a test or the demo needs around it: send mail, wait until idle, sweep now, and a
    clock they can move."""

    settings: Settings
    clock: MovableClock = field(default_factory=MovableClock)
    kinds: KindRegistry | None = None
    service: Service | None = None
    port: int = 0
    lmtp_port: int = 0
    policy_port: int = 0

    @property
    def context(self) -> Context:
        assert self.service is not None and self.service.context is not None, "start() the service first"
        return self.service.context

    def start(self, lmtp: bool = False, archive: bool = False, policy: bool = False) -> BackgroundService:
        """`archive`: keep the archive built and serve it on an ephemeral port (`archive_url`), as serve does;
        `policy`: serve Postfix's policy service too (`policy_port`)."""
        on_loopback = {"smtp": "127.0.0.1:0", "lmtp": "127.0.0.1:0" if lmtp else "", "gateway_processes": 1,
                       "http": "127.0.0.1:0" if archive else "", "policy": "127.0.0.1:0" if policy else ""}
        self.service = Service(self.settings.model_copy(update=on_loopback), clock=self.clock, kinds=self.kinds,
                               niceness=0).start()
        self.port = self.service.sockets["smtp"].getsockname()[1]
        if lmtp:
            self.lmtp_port = self.service.sockets["lmtp"].getsockname()[1]
        if policy:
            self.policy_port = self.service.sockets["policy"].getsockname()[1]
        return self

    def smtp(self) -> smtplib.SMTP:
        return smtplib.SMTP("127.0.0.1", self.port, timeout=30)

    def send(self, raw: bytes, mail_from: str, rcpt_to: list[str]) -> dict:
        with self.smtp() as client:
            return client.sendmail(mail_from, rcpt_to, raw)

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Until the store shows no unfinished inbound and no due outbound mail."""
        deadline = time.monotonic() + timeout
        engine = self.context.engine
        while time.monotonic() < deadline:
            # One statement, so one snapshot: with separate counts a row moving from
            # pending to sending between two of them would be missed by both.
            unfinished_inbound = (sa.select(sa.func.count()).select_from(InboundMessage)
                                  .where(InboundMessage.state.in_(UNFINISHED_INBOUND)).scalar_subquery())
            unsent_outbox = (sa.select(sa.func.count()).select_from(Outbox).where(sa.or_(
                Outbox.state == OutboxState.SENDING,
                sa.and_(Outbox.state == OutboxState.PENDING, Outbox.attempts == 0)))).scalar_subquery()
            with engine.connect() as connection:
                busy = connection.execute(sa.select(unfinished_inbound + unsent_outbox)).scalar()
            if not busy:
                return
            time.sleep(0.05)
        raise AssertionError(f"mailgate still busy after {timeout} s")

    def wait_archived(self, timeout: float = 60.0) -> None:
        """Until the archive builder has built every change the store has."""
        assert self.service is not None and self.service.settings.archive_path is not None, "start(archive=True)"
        settings = self.service.settings
        deadline = time.monotonic() + timeout
        while not archive_current(archive_config(settings), settings.archive_path):
            if time.monotonic() > deadline:
                raise AssertionError(f"the archive in {settings.archive_path} is not built after {timeout} s")
            time.sleep(0.2)

    def sweep(self):
        return sweep(self.context, received_older_than=timedelta(0))

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()
