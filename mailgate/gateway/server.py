"""The SMTP and LMTP front door: answer RCPT from the route table, store DATA before the 250.

Nothing is parsed here beyond the envelope; the raw bytes go to the store and
only the new row's id goes to the queue. This module and what it imports stay
free of SQLAlchemy, sqlmodel and pydantic, so that a gateway process is small
(mailgate/runtime/gateway_process.py).
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import ssl
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Sequence

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from mailgate.gateway.accept_failures import AcceptFailures
from mailgate.gateway.batched_writer import StoreWriter
from mailgate.gateway.client_limits import ClientLimits
from mailgate.gateway.config import GatewayConfig
from mailgate.gateway.data_spool import DataSpool
from mailgate.gateway.dbapi_store import InboundWriter, Received, ThreadReader
from mailgate.gateway.fast_data import QuickData
from mailgate.gateway.front_door import ClientSession, FrontDoor, RoutedEnvelope, Xforward, offered_keywords
from mailgate.gateway.ingest_activity import IngestActivity
from mailgate.gateway.open_files import raise_open_file_limit
from mailgate.gateway.policy import PolicyServer
from mailgate.gateway.recipients import RecipientChecker, Verdict, refuse
from mailgate.gateway.xforward import Networks, networks
from store.addresses.book import AddressBook
from store.addresses.routes import RouteTable
from store.allocator import return_large_blocks
from store.hostport import parse_host_port
from store.outage import Outage
from store.queue import Queue
from store.traffic_log import log_accepted

if TYPE_CHECKING:  # a mixin for SMTP: the type checker reads it as one
    from aiosmtpd.smtp import SMTP as _SMTP
else:
    _SMTP = object

log = logging.getLogger(__name__)

DRAIN_SECONDS = 30
# The store writer's thread needs the GIL back as soon as its commit returns, not
# after the default 5 ms slice of the event loop: that wait is the 250's.
SWITCH_INTERVAL = 0.0005


TEMPORARY_FAILURE = "451 4.3.0 mailgate could not store your message just now; please try again later"


class GatewayHandler:
    """aiosmtpd handler shared by the SMTP and LMTP servers."""

    def __init__(self, checker: RecipientChecker, writer: StoreWriter, reads: ThreadPoolExecutor,
                 limits: ClientLimits, xforward_hosts: Networks = ()):
        self.checker = checker
        self.writer = writer
        self.reads = reads
        self.limits = limits
        self.xforward_hosts = xforward_hosts
        self.in_flight = 0
        self.reads_outage = Outage(log, "checking recipients against the store")

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope, hostname: str,
                          responses: list[str]) -> list[str]:
        session.host_name = hostname  # what aiosmtpd does itself for a server without this hook
        return responses[:-1] + [f"250-{keyword}" for keyword in offered_keywords(server)] + responses[-1:]

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        assert isinstance(server, FrontDoor) and isinstance(session, ClientSession)
        limited = server.limited()
        if limited and (over := self.limits.recipients_refused(session.client)):
            session.hang_up = True
            return over
        verdict = await self.verdict(address, envelope.mail_from or "")
        if verdict.accept:
            envelope.rcpt_tos.append(address)
            if isinstance(envelope, RoutedEnvelope) and verdict.route is not None:
                envelope.routes.append(verdict.route)
        elif limited and verdict.reply.startswith("5"):
            session.refused += 1
            if over := self.limits.refused_recipient(session.client, session.refused):
                session.hang_up = True
                return over
        return verdict.reply

    async def verdict(self, address: str, mail_from: str) -> Verdict:
        """The recipient's verdict, as RCPT answers it here and the policy service answers it for Postfix."""
        try:
            # Most verdicts need no query (or a cached one): skip the thread hop for those.
            verdict = self.checker.check_without_store(address, mail_from)
            if verdict is None:
                verdict = await asyncio.get_running_loop().run_in_executor(
                    self.reads, self.checker.check, address, mail_from)
                self.reads_outage.worked()
        except Exception as exc:
            self.reads_outage.failed(exc)
            return refuse("mailgate cannot check this address just now; please try again later", "451 4.3.0")
        return verdict

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.in_flight += 1
        try:
            raw = envelope.original_content or b""
            assert isinstance(session, ClientSession)
            received = Received(envelope.mail_from or "", list(envelope.rcpt_tos), raw, session.address, session.helo)
            try:
                inbound_id = await self.writer.store(received)
            except Exception:
                return self._per_recipient(server, envelope, TEMPORARY_FAILURE)
            log_accepted(inbound_id, len(raw), envelope.routes if isinstance(envelope, RoutedEnvelope) else ())
            return self._per_recipient(server, envelope, f"250 2.0.0 Ok: stored as {inbound_id}")
        finally:
            self.in_flight -= 1

    @staticmethod
    def _per_recipient(server: SMTP, envelope: Envelope, line: str) -> str:
        # LMTP wants one status line per accepted recipient (RFC 2033 §4.2).
        if isinstance(server, LMTP):
            return "\r\n".join([line] * max(1, len(envelope.rcpt_tos)))
        return line


# RFC 5321 dot-atom local part and domain in angle brackets, then the parameters.
# aiosmtpd parses every MAIL/RCPT address with the email package's full RFC 5322
# header parser (and defines a class per call); for the plain addresses that are
# nearly all of real traffic this gives the same answer at a fraction of the cost.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"\s*<({_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>[ \t]*([^(]*)", re.DOTALL)


class _PlainAddressFastPath(_SMTP):
    """Mixin for aiosmtpd's SMTP/LMTP: parse plain ``<local@domain>`` without the header parser.

    >>> _PlainAddressFastPath()._getaddr("<a.b+c@example.org> SIZE=10")
    ('a.b+c@example.org', 'SIZE=10')
    """

    local_part_limit = 0

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        match = _PLAIN_ADDRESS.fullmatch(arg) if arg else None
        if match is None:
            return super()._getaddr(arg)  # quoted local parts, literals, <>, comments, no brackets...
        address, rest = match.groups()
        if self.local_part_limit and len(address.rpartition("@")[0]) > self.local_part_limit:
            return None, None
        return address, rest


class GatewaySMTP(FrontDoor, QuickData, _PlainAddressFastPath, SMTP):
    pass


class GatewayLMTP(Xforward, QuickData, _PlainAddressFastPath, LMTP):
    pass


def tls_context(config: GatewayConfig) -> ssl.SSLContext | None:
    if not config.tls_cert:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(config.tls_cert, config.tls_key or None)
    return context


def listening_socket(address: str, variable: str, reuse_port: bool, listen: bool = True) -> socket.socket:
    """Bind early so several gateway processes can share one port (SO_REUSEPORT).

    With `listen=False` the port is only reserved (and checked): the kernel hands
    connections only to the listening sockets of the group.
    """
    host, port = parse_host_port(address, variable)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"{variable}={address}: cannot listen there: {exc.strerror}") from None
    if listen:
        sock.listen(512)
    sock.setblocking(False)
    return sock


def address_of(sock: socket.socket) -> str:
    """``host:port`` of a bound socket, as MAILGATE_SMTP spells it.

    >>> with socket.socket() as s:
    ...     s.bind(("127.0.0.1", 0))
    ...     address_of(s).startswith("127.0.0.1:")
    True
    """
    host, port = sock.getsockname()[:2]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def start_servers(config: GatewayConfig, handler: GatewayHandler,
                        sockets: dict[str, socket.socket]) -> list[asyncio.base_events.Server]:
    """Start SMTP (and LMTP and the policy service, when configured) on already-bound sockets."""
    loop = asyncio.get_running_loop()
    context = tls_context(config)
    common: dict[str, Any] = dict(data_size_limit=config.max_message_size, enable_SMTPUTF8=True, decode_data=False,
                  hostname=config.domain, ident="mailgate ESMTP", timeout=config.idle_timeout,
                  spool=DataSpool(config.spool_threshold))  # one for all sessions: large messages take turns
    servers = []
    if "smtp" in sockets:
        servers.append(await loop.create_server(lambda: GatewaySMTP(handler, tls_context=context, **common),
                                                sock=sockets["smtp"]))
    if "lmtp" in sockets:
        servers.append(await loop.create_server(lambda: GatewayLMTP(handler, **common), sock=sockets["lmtp"]))
    if "policy" in sockets:
        servers.append(await PolicyServer(handler.verdict, config.idle_timeout).start(sockets["policy"]))
    return servers


class Gateway:
    """SMTP/LMTP servers with their store writer, in one event loop.

    `queue` hands each stored message to the actors (None: nothing to do, serve picks
    new rows up from the store); `activity` is stamped after every commit so that the
    actors hold back (mailgate/gateway/ingest_activity.py).
    """

    def __init__(self, config: GatewayConfig, queue: Queue | None, activity: IngestActivity | None = None):
        self.config = config
        self.queue = queue
        self.writer = StoreWriter(InboundWriter(config.database_url), after_commit=self._enqueue if queue else None,
                                  on_commit=activity.touch if activity else None)
        self.threads = ThreadReader(config.database_url)
        # RCPT's store reads get a thread (and connection) of their own.
        self._reads = ThreadPoolExecutor(1, thread_name_prefix="rcpt-reads")
        addresses = AddressBook(domain=config.domain, secret=config.secret.encode(), routes=RouteTable(config.routes))
        self.handler = GatewayHandler(RecipientChecker(addresses, self.threads.facts), self.writer, self._reads,
                                      ClientLimits(config.limits(), config.domain), networks(config.xforward_hosts))
        self.servers: list[asyncio.base_events.Server] = []

    def _enqueue(self, ids: Sequence[int]) -> None:
        assert self.queue is not None
        for inbound_id in ids:
            self.queue.process_inbound(inbound_id)

    async def start(self, sockets: dict[str, socket.socket]) -> None:
        sys.setswitchinterval(SWITCH_INTERVAL)
        raise_open_file_limit()
        return_large_blocks()  # a large message's buffers go back to the system once stored
        asyncio.get_running_loop().set_exception_handler(AcceptFailures(log).handle)
        self.writer.start()
        self.servers = await start_servers(self.config, self.handler, sockets)

    async def drain(self) -> None:
        """Stop listening; let transactions in progress finish (bounded)."""
        for server in self.servers:
            server.close()
        deadline = time.monotonic() + DRAIN_SECONDS
        while (self.handler.in_flight or _open_sessions()) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await self.writer.stop()
        self._reads.shutdown(wait=True)
        self.threads.close()
        log.info("store writer %d: %d messages in %d commits", os.getpid(), self.writer.messages, self.writer.batches)


def _open_sessions() -> int:
    return sum(1 for task in asyncio.all_tasks() if getattr(task.get_coro(), "__qualname__", "").endswith("._handle_client"))
