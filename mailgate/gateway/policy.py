"""Postfix's policy delegation (www.postfix.org/SMTPD_POLICY_README.html): the gateway's RCPT verdicts, asked by the MTA in front.

With Postfix in front, the edge that talks to the world is Postfix: so that a
recipient mailgate would refuse is refused there, at RCPT, and never accepted and
then bounced (backscatter), Postfix asks this server with
`check_policy_service inet:HOST:PORT`. The answer comes from the very checker the
gateway uses at RCPT (mailgate/gateway/recipients.py), with its short cache and
nothing longer:

- accepted: ``action=DUNNO`` (Postfix goes on with its other restrictions);
- refused: ``action=550 5.1.1 <the gateway's reason>`` — access(5)'s numeric form, so Postfix
  answers with the gateway's own code (550 "no such mailbox", not REJECT's generic 554);
- the store cannot be read: ``action=DEFER_IF_PERMIT 4.3.0 ...`` (a 450: the client tries again).

A request is ``name=value`` lines ended by an empty line; the connection carries
many. Input is bounded (line length, attribute count, idle time, connections at
once): a peer that goes past a bound is answered nothing and the connection is closed.
"""
from __future__ import annotations

import asyncio
import logging
import re
import socket
from typing import Awaitable, Callable

from mailgate.gateway.recipients import Verdict
from store.outage import Outage

log = logging.getLogger(__name__)

# Postfix's own attributes fit well within these (its longest, ccert_subject and the
# like, are a few hundred bytes); a peer past them is not Postfix.
MAX_LINE = 4096
MAX_ATTRIBUTES = 100
# Postfix opens one connection per smtpd process (default_process_limit: 100) and keeps it
# while idle; past this many at once a peer is not Postfix, or Postfix is misconfigured.
MAX_CONNECTIONS = 512

_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")

Check = Callable[[str, str], Awaitable[Verdict]]


def action(verdict: Verdict) -> str:
    """The policy answer for one gateway verdict.

    >>> from mailgate.gateway.recipients import refuse
    >>> action(Verdict(True, "250 2.1.5 recipient ok"))
    'DUNNO'
    >>> action(refuse("<x@foi.test> is not an address of ours"))
    '550 5.1.1 <x@foi.test> is not an address of ours'
    >>> action(refuse("try later", "451 4.3.0"))
    'DEFER_IF_PERMIT 4.3.0 try later'
    """
    if verdict.accept:
        return "DUNNO"
    code, _, text = verdict.reply.partition(" ")
    if code.startswith("4"):
        return f"DEFER_IF_PERMIT {text}"
    return verdict.reply


def parse_line(line: bytes) -> tuple[str, str] | None:
    """One ``name=value`` line (its end of line already removed); None if it is not one.

    A control character is never part of one: a recipient comes back in the refusal's
    text, which Postfix sends to its client, so none may reach it.

    >>> parse_line(b"recipient=a@foi.test"), parse_line(b"no equals sign"), parse_line(b"=x")
    (('recipient', 'a@foi.test'), None, None)
    >>> parse_line(b"recipient=a\\rb@foi.test") is None
    True
    """
    if _CONTROL.search(line):
        return None
    name, equals, value = line.decode("utf-8", "replace").partition("=")
    if not equals or not name or not name.replace("_", "").isalnum():
        return None
    return name, value


class PolicyServer:
    """Answers Postfix's policy requests with `check(recipient, sender)`, the gateway's own verdict."""

    def __init__(self, check: Check, idle_timeout: float, max_connections: int = MAX_CONNECTIONS):
        self.check = check
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        self.connections = 0
        self._turned_away = Outage(log, f"the policy service's connection limit ({max_connections})")

    async def start(self, sock: socket.socket) -> asyncio.base_events.Server:
        return await asyncio.start_server(self._serve, sock=sock, limit=MAX_LINE)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.connections >= self.max_connections:
            # Closed unanswered: Postfix then defers the recipient (451 4.3.5), never accepts it.
            self._turned_away.failed(ConnectionRefusedError("too many connections at once; closing new ones"))
            writer.close()
            return
        self._turned_away.worked()
        self.connections += 1
        try:
            while (request := await self._request(reader)) is not None:
                writer.write(f"action={await self._answer(request)}\n\n".encode())
                await writer.drain()
        except (ConnectionError, TimeoutError):
            pass
        finally:
            self.connections -= 1
            writer.close()

    async def _request(self, reader: asyncio.StreamReader) -> dict[str, str] | None:
        """The next request's attributes; None at end of input or when the peer broke a bound."""
        attributes: dict[str, str] = {}
        while True:
            try:
                line = await asyncio.wait_for(reader.readuntil(b"\n"), self.idle_timeout)
            except asyncio.IncompleteReadError:
                return None  # the peer closed (Postfix does when idle)
            except asyncio.LimitOverrunError:
                log.warning("policy client sent a line over %d bytes: closing", MAX_LINE)
                return None
            line = line.rstrip(b"\r\n")
            if not line:
                return attributes if attributes else None
            parsed = parse_line(line)
            if parsed is None or len(attributes) >= MAX_ATTRIBUTES:
                log.warning("policy client sent %s: closing", "a line that is not name=value" if parsed is None
                            else f"over {MAX_ATTRIBUTES} attributes")
                return None
            attributes[parsed[0]] = parsed[1]

    async def _answer(self, request: dict[str, str]) -> str:
        recipient = request.get("recipient", "")
        # Only RCPT has a recipient to judge; at any other stage this service has no opinion.
        if request.get("protocol_state", "").upper() != "RCPT" or not recipient:
            return "DUNNO"
        return action(await self.check(recipient, request.get("sender", "")))
