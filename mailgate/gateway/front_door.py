"""The gateway's SMTP and LMTP sessions know their client: limits, a 421 before every close, XFORWARD.

Mixins for aiosmtpd's SMTP and LMTP classes. A connection over the per-client
limits (mailgate/gateway/client_limits.py) gets a 421 instead of the greeting; a
refused recipient past a cap gets a 421 and the connection is closed; an idle
client is told why it is being closed (RFC 5321 §4.2.2: 421 then close), which
aiosmtpd does without a word. Over LMTP a trusted MTA names the real client with
XFORWARD (mailgate/gateway/xforward.py), and that client is the one counted and stored.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from aiosmtpd.smtp import Envelope, Session, syntax

from mailgate.gateway import xforward
from mailgate.gateway.client_limits import ClientLimits, client_key
from store.addresses.routes import Route

if TYPE_CHECKING:  # a mixin for SMTP: the type checker reads it as one
    from aiosmtpd.smtp import SMTP as _SMTP
else:
    _SMTP = object


class ClientSession(Session):
    """aiosmtpd's session, with who the client is and what the limits counted for it."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        super().__init__(loop)
        self.admitted: str | None = None  # the client counted open for this connection, if any
        self.refused = 0  # refused recipients in this session (of this forwarded client, over LMTP)
        self.forwarded: dict[str, str | None] | None = None  # XFORWARD's attributes, for one transaction
        self.hang_up = False  # a limit's 421 was the reply: close once it is sent

    @property
    def own_address(self) -> str:
        return str(self.peer[0]) if isinstance(self.peer, tuple) else str(self.peer)

    @property
    def address(self) -> str:
        """The client's address: the one XFORWARD named, else the peer's."""
        forwarded = (self.forwarded or {}).get("ADDR")
        return forwarded or self.own_address

    @property
    def helo(self) -> str:
        """The client's HELO. With a forwarded address only the forwarded HELO, if any: README
        note 4 forbids mixing the MTA's own session into the forwarded client's."""
        if (self.forwarded or {}).get("ADDR"):
            return (self.forwarded or {}).get("HELO") or ""
        return str(self.host_name or "")

    @property
    def client(self) -> str:
        return client_key(self.address)


class RoutedEnvelope(Envelope):
    """aiosmtpd's envelope, with the route each accepted recipient resolved to at RCPT
    (for the "accepted" traffic line: store/traffic_log.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: list[Route] = []


class FrontDoor(_SMTP):
    """For both servers; `event_handler` is the GatewayHandler, with its `limits`."""

    def _create_envelope(self) -> RoutedEnvelope:
        return RoutedEnvelope()

    def _create_session(self) -> ClientSession:
        session = ClientSession(self.loop)
        if isinstance(self.session, ClientSession):  # STARTTLS: the same connection, the same counts
            session.admitted, session.refused = self.session.admitted, self.session.refused
        return session

    # Methods, not properties: aiosmtpd's __init__ reads every attribute (inspect.getmembers).
    def client_session(self) -> ClientSession:
        assert isinstance(self.session, ClientSession)
        return self.session

    def limits(self) -> ClientLimits:
        limits: ClientLimits = self.event_handler.limits
        return limits

    def counted_by_what_it_forwards(self) -> bool:
        """An MTA allowed XFORWARD is counted for the clients it names, not as one client itself."""
        return False

    def limited(self) -> bool:
        """Whether the limits count this session's client: not an MTA's own session, whose
        clients are counted once it names them (and which Postfix's own anvil limits)."""
        return not self.counted_by_what_it_forwards() or bool((self.client_session().forwarded or {}).get("ADDR"))

    async def _handle_client(self) -> None:
        if not self.counted_by_what_it_forwards() and not await self._admitted(self.client_session()):
            return
        await super()._handle_client()

    async def _admitted(self, session: ClientSession) -> bool:
        """Count the session's client in, or answer its limit's 421 and close."""
        reply = self.limits().admit(session.client)
        if reply is not None:
            await self.push(reply)
            self._close()
            return False
        session.admitted = session.client
        return True

    def connection_lost(self, error: Exception | None) -> None:
        self._release()
        super().connection_lost(error)

    def _release(self) -> None:
        session = self.session
        if isinstance(session, ClientSession) and session.admitted is not None:
            self.limits().release(session.admitted)
            session.admitted = None

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()  # after what was written is sent

    @syntax("RCPT TO: <address>", extended=" [SP <mail-parameters>]")
    async def smtp_RCPT(self, arg: str | None) -> None:
        await super().smtp_RCPT(arg)
        if self.client_session().hang_up:
            self._close()

    def _timeout_cb(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._writer.write(f"421 4.4.2 {self.hostname} closing the connection after "
                               f"{self._timeout_duration:g} seconds without a command (timeout)\r\n".encode())
        super()._timeout_cb()  # type: ignore[no-untyped-call]  # aiosmtpd leaves it unannotated


class Xforward(FrontDoor):
    """For the LMTP server: XFORWARD from the peers in `event_handler.xforward_hosts`."""

    def counted_by_what_it_forwards(self) -> bool:
        return xforward.trusted(self.client_session().own_address, self.event_handler.xforward_hosts)

    def ehlo_keywords(self) -> list[str]:
        return [xforward.ANNOUNCEMENT] if self.counted_by_what_it_forwards() else []

    @syntax("XFORWARD attribute=value ...")
    async def smtp_XFORWARD(self, arg: str | None) -> None:
        session = self.client_session()
        if not self.counted_by_what_it_forwards():
            await self.push("550 5.7.0 Error: insufficient authorization: "
                            "only the mail server in front of mailgate may send XFORWARD")
            return
        if self.envelope is not None and self.envelope.mail_from is not None:
            await self.push("503 5.5.1 Error: MAIL transaction in progress")
            return
        try:
            attributes = xforward.parse(arg or "")
        except xforward.XforwardError as error:
            await self.push(str(error))
            return
        if session.forwarded is None:  # the first of a transaction: all unavailable until named
            session.forwarded = dict.fromkeys(xforward.ATTRIBUTES)
        session.forwarded.update(attributes)
        if session.forwarded.get("ADDR") and session.admitted != session.client:
            self._release()
            if not await self._admitted(session):
                return
        await self.push("250 2.0.0 Ok")

    def _set_post_data_state(self) -> None:
        """After DATA or RSET (README: the end of the MAIL transaction) the client is the MTA again."""
        super()._set_post_data_state()  # type: ignore[no-untyped-call]
        session = self.session
        if isinstance(session, ClientSession) and session.forwarded is not None:
            self._release()
            session.forwarded, session.refused = None, 0


def offered_keywords(server: Any) -> list[str]:
    """The EHLO/LHLO keywords a session offers beyond aiosmtpd's own."""
    return server.ehlo_keywords() if isinstance(server, Xforward) else []
