"""The traffic lines of `mailgate serve`: one INFO line per accepted message, one per delivery attempt.

Accepted messages are logged by the gateway that gave the 250 (it knows the id, the size and
the routes its RCPT verdicts found, so nothing is read again), deliveries by the actor that
sent the mail. Both loggers sit under TRAFFIC, so one switch turns them off in every process
(`mailgate serve --quiet`, MAILGATE_LOG_TRAFFIC=false: mailgate/runtime/log_setup.py).

No address is ever logged: a citizen's address is private, and a thread address carries a
token that lets its holder post into the thread. A line names routes, ids and thread numbers.
"""
from __future__ import annotations

import logging
import re
from typing import Iterable

from store.addresses.routes import Route

TRAFFIC = "mailgate.traffic"
accepted_log = logging.getLogger(TRAFFIC + ".accepted")
delivered_log = logging.getLogger(TRAFFIC + ".delivered")

# The route parameters that say which thread, authority or mail a route is about; never a token.
# A relay's refusal often quotes the recipient ("<jo@example.org>: Recipient address rejected").
_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")
_SHOWN = (("thread_id", "thread"), ("outbox_id", "outbox"), ("challenge_id", "challenge"), ("authority", ""),
          ("mailbox", ""))


def describe_route(route: Route) -> str:
    """`thread_authority thread 12`, `new_foi borsetshire-council`, `general`.

    >>> describe_route(Route("thread_authority", "request-12-ABCDEFGHJK@x.test", {"thread_id": "12", "token": "ABCDEFGHJK"}))
    'thread_authority thread 12'
    """
    shown = [f"{label} {route.params[key]}".strip() for key, label in _SHOWN if key in route.params]
    return " ".join([route.name, *shown])


def log_accepted(inbound_id: int, size: int, routes: Iterable[Route]) -> None:
    if accepted_log.isEnabledFor(logging.INFO):
        accepted_log.info("accepted inbound %d (%d bytes): %s", inbound_id, size,
                          ", ".join(describe_route(route) for route in routes) or "no recipient")


def log_delivery(outbox_id: int, kind: str, thread_id: int | None, result: str) -> None:
    """`outbox 7 (foi_request, thread 3): sent`, or `…: retry in 0:02:00 (…)`, `…: failed (550 …)`.

    >>> hide_addresses("550 5.1.1 <jo@citizen.example>: Recipient address rejected")
    '550 5.1.1 <[address]>: Recipient address rejected'
    """
    if delivered_log.isEnabledFor(logging.INFO):
        delivered_log.info("outbox %d (%s, thread %s): %s", outbox_id, kind, thread_id if thread_id else "-",
                           hide_addresses(result))


def hide_addresses(text: str) -> str:
    """Addresses hidden, on one line (a relay's multi-line reply must not forge log lines)."""
    return " ".join(_ADDRESS.sub("[address]", text).split())
