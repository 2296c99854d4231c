"""The SMTP and LMTP front door: answer RCPT from the route table, store DATA before the 250.

Nothing is parsed here beyond the envelope; the raw bytes go to the store and
only the new row's id goes to the queue.
"""
from __future__ import annotations

import asyncio
import logging
import re
import socket
import ssl

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from mailgate.recipients import RecipientChecker
from mailgate.settings import Settings, parse_host_port
from mailgate.store_writer import Received, StoreWriter

log = logging.getLogger(__name__)

TEMPORARY_FAILURE = "451 4.3.0 mailgate could not store your message just now; please try again later"


class GatewayHandler:
    """aiosmtpd handler shared by the SMTP and LMTP servers."""

    def __init__(self, checker: RecipientChecker, writer: StoreWriter):
        self.checker = checker
        self.writer = writer
        self.in_flight = 0

    async def handle_RCPT(self, server, session: Session, envelope: Envelope, address: str, rcpt_options):
        try:
            # Most verdicts need no query (or a cached one): skip the thread hop for those.
            verdict = self.checker.check_without_store(address, envelope.mail_from or "")
            if verdict is None:
                verdict = await asyncio.to_thread(self.checker.check, address, envelope.mail_from or "")
        except Exception as exc:
            log.error("RCPT check for %s failed: %s", address, exc)
            return "451 4.3.0 mailgate cannot check this address just now; please try again later"
        if verdict.accept:
            envelope.rcpt_tos.append(address)
        return verdict.reply

    async def handle_DATA(self, server, session: Session, envelope: Envelope):
        self.in_flight += 1
        try:
            raw = envelope.original_content or b""
            peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
            received = Received(envelope.mail_from or "", list(envelope.rcpt_tos), raw, peer)
            try:
                inbound_id = await self.writer.store(received)
            except Exception:
                return self._per_recipient(server, envelope, TEMPORARY_FAILURE)
            return self._per_recipient(server, envelope, f"250 2.0.0 Ok: stored as {inbound_id}")
        finally:
            self.in_flight -= 1

    @staticmethod
    def _per_recipient(server, envelope: Envelope, line: str) -> str:
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


class _PlainAddressFastPath:
    """Mixin for aiosmtpd's SMTP/LMTP: parse plain ``<local@domain>`` without the header parser.

    >>> _PlainAddressFastPath()._getaddr("<a.b+c@example.org> SIZE=10")
    ('a.b+c@example.org', 'SIZE=10')
    """

    local_part_limit = 0

    def _getaddr(self, arg: str):
        match = _PLAIN_ADDRESS.fullmatch(arg) if arg else None
        if match is None:
            return super()._getaddr(arg)  # quoted local parts, literals, <>, comments, no brackets...
        address, rest = match.groups()
        if self.local_part_limit and len(address.rpartition("@")[0]) > self.local_part_limit:
            return None, None
        return address, rest


class GatewaySMTP(_PlainAddressFastPath, SMTP):
    pass


class GatewayLMTP(_PlainAddressFastPath, LMTP):
    pass


def tls_context(settings: Settings) -> ssl.SSLContext | None:
    if not settings.tls_cert:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(settings.tls_cert, settings.tls_key or None)
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


async def start_servers(settings: Settings, handler: GatewayHandler,
                        sockets: dict[str, socket.socket]) -> list[asyncio.base_events.Server]:
    """Start SMTP (and LMTP when configured) on already-bound sockets."""
    loop = asyncio.get_running_loop()
    context = tls_context(settings)
    common = dict(data_size_limit=settings.max_message_size, enable_SMTPUTF8=True, decode_data=False,
                  hostname=settings.domain, ident="mailgate ESMTP", timeout=300)
    servers = []
    if "smtp" in sockets:
        servers.append(await loop.create_server(lambda: GatewaySMTP(handler, tls_context=context, **common),
                                                sock=sockets["smtp"]))
    if "lmtp" in sockets:
        servers.append(await loop.create_server(lambda: GatewayLMTP(handler, **common), sock=sockets["lmtp"]))
    return servers
