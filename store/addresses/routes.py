"""The route table: every address mailgate answers for, and a pure `resolve(address)`.

Each row says what an address looks like, and the same row makes that address
(`RoutePattern.local_part`), so the addresses mailgate writes from and the
addresses it accepts cannot drift apart. `mailgate routes --test` explains any
address. Thread addresses carry the thread id and a MAC token; checking the token
against the site secret happens in `book.py`, against the store at RCPT time in the
gateway. A new kind of thread brings its own rows (`RouteTable.extended`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Iterator


class RouteName(StrEnum):
    THREAD_AUTHORITY = "thread_authority"
    THREAD_CITIZEN = "thread_citizen"
    CONFIRM = "confirm"
    CHALLENGE = "challenge"
    BOUNCE = "bounce"
    NEW_FOI = "new_foi"
    SUBSCRIBE = "subscribe"
    FOLLOW = "follow"
    ALERTS = "alerts"
    UNSUBSCRIBE = "unsubscribe"
    NEW_REPORT = "new_report"
    GENERAL = "general"
    POSTMASTER = "postmaster"


TOKEN = r"[0-9a-z]{6,14}"  # tokens are 10 characters; a few more or fewer still reach the typo check
# Ids are bounded before any work is done on them: a trillion threads, or a typo's worth longer.
ID = r"\d{1,13}"
SLUG = r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?"


@dataclass(frozen=True)
class RoutePattern:
    """One row. Exactly one shape: a token address (`prefix-ID-TOKEN`, when `purpose` is set),
    a slug address (`prefix-SLUG`), or fixed mailboxes (`mailboxes`)."""

    name: str
    description: str
    prefix: str = ""
    param: str = ""                   # the name of the value after the prefix: thread_id, outbox_id, authority
    purpose: str = ""                 # token purpose; separate purposes make a leaked address of one kind
    #                                   useless as another (the authority's cannot post as the citizen)
    mailboxes: tuple[str, ...] = ()
    names_thread: bool = False        # the id is a thread's: RCPT checks the thread in the store

    @cached_property  # asked for every RCPT: compile once
    def regex(self) -> re.Pattern[str]:
        if self.mailboxes:
            body = "(?P<mailbox>" + "|".join(map(re.escape, self.mailboxes)) + ")"
        elif self.purpose:
            body = rf"{re.escape(self.prefix)}-(?P<{self.param}>{ID})-(?P<token>{TOKEN})"
        else:
            body = rf"{re.escape(self.prefix)}-(?P<{self.param}>{SLUG})"
        return re.compile(body + r"\Z", re.IGNORECASE)

    def local_part(self, value: int | str, token: str = "") -> str:
        """The local part this row accepts for `value` (with its token, for a token address).

        >>> ROUTES[RouteName.NEW_FOI].local_part("camden")
        'foi-camden'
        """
        if self.mailboxes:
            if value not in self.mailboxes:
                raise ValueError(f"{self.name} has no mailbox {value!r}")
            return str(value)
        return f"{self.prefix}-{value}-{token}" if self.purpose else f"{self.prefix}-{value}"


@dataclass(frozen=True)
class Route:
    name: str
    address: str
    params: dict[str, str] = field(default_factory=dict)

    def param_int(self, key: str) -> int:
        return int(self.params[key])


@dataclass(frozen=True)
class RouteTable:
    """Rows read top to bottom: the first that matches wins."""

    patterns: tuple[RoutePattern, ...]

    def __getitem__(self, name: str) -> RoutePattern:
        for pattern in self.patterns:
            if pattern.name == name:
                return pattern
        raise KeyError(name)

    def __iter__(self) -> Iterator[RoutePattern]:
        return iter(self.patterns)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.patterns)

    def names_thread(self, name: str) -> bool:
        return any(p.name == name and p.names_thread for p in self.patterns)

    def extended(self, patterns: tuple[RoutePattern, ...]) -> RouteTable:
        """This table with more rows, placed before the catch-all mailboxes (the last rows)."""
        clash = set(self.names) & {p.name for p in patterns}
        if clash:
            raise ValueError(f"route names already taken: {', '.join(sorted(clash))}")
        first = tuple(p for p in self.patterns if not p.mailboxes)
        last = tuple(p for p in self.patterns if p.mailboxes)
        return RouteTable(first + patterns + last)

    def resolve(self, address: str, domain: str) -> Route | None:
        """What an address means, or None. Pure: no store, no secret.

        >>> ROUTES.resolve("request-12-abcdefghjk@foi.example", "foi.example").params
        {'thread_id': '12', 'token': 'abcdefghjk'}
        >>> str(ROUTES.resolve("foi-camden-council@foi.example", "foi.example").name)
        'new_foi'
        >>> ROUTES.resolve("request-12-abcdefghjk@elsewhere.example", "foi.example") is None
        True
        """
        local, address_domain = split_address(address)
        if address_domain != domain.lower() or not local:
            return None
        for pattern in self.patterns:
            match = pattern.regex.match(local)
            if match:
                params = {k: v.lower() for k, v in match.groupdict().items() if v is not None}
                return Route(pattern.name, f"{local.lower()}@{address_domain}", params)
        return None

    def describe(self, name: str) -> str:
        return self[name].description


ROUTES = RouteTable((
    RoutePattern(RouteName.THREAD_AUTHORITY, "a reply from the authority or body into a thread (the address the "
                 "request was sent from)", prefix="request", param="thread_id", purpose="authority",
                 names_thread=True),
    RoutePattern(RouteName.THREAD_CITIZEN, "the citizen's follow-up or classification, by replying to a "
                 "notification", prefix="reply", param="thread_id", purpose="citizen", names_thread=True),
    RoutePattern(RouteName.CONFIRM, "the citizen confirms a request made by email, by replying to the "
                 "confirmation mail", prefix="confirm", param="thread_id", purpose="confirm", names_thread=True),
    RoutePattern(RouteName.CHALLENGE, "the registered address confirms a held action (a follow-up whose sender "
                 "could not be verified, a withdrawal) by replying to the challenge mail", prefix="check",
                 param="challenge_id", purpose="challenge"),
    RoutePattern(RouteName.BOUNCE, "VERP return path: a bounce of one outbound mail", prefix="bounce",
                 param="outbox_id", purpose="bounce"),
    RoutePattern(RouteName.NEW_FOI, "start a Freedom-of-Information request to the named authority", prefix="foi",
                 param="authority"),
    RoutePattern(RouteName.FOLLOW, "the subscriber confirms an alert by replying to its confirmation mail",
                 prefix="follow", param="alert_id", purpose="follow"),
    RoutePattern(RouteName.ALERTS, "a subscriber's replies to their digest: `stop N`, `stop all`", prefix="alerts",
                 param="subscriber_id", purpose="alerts"),
    RoutePattern(RouteName.UNSUBSCRIBE, "List-Unsubscribe mailto of a subscriber's digest: any mail stops every alert",
                 prefix="unsubscribe", param="subscriber_id", purpose="unsubscribe"),
    RoutePattern(RouteName.SUBSCRIBE, "follow a thread, an authority, an area or words (the archive's \"follow\" "
                 "links): an alert, confirmed by reply (processors/alerts/)", mailboxes=("subscribe",)),
    RoutePattern(RouteName.NEW_REPORT, "report a problem (the archive's \"report a problem\" link): a draft "
                 "report, answered with a question or a confirmation (processors/reports/)", mailboxes=("report",)),
    RoutePattern(RouteName.GENERAL, "the service's general address: routed by In-Reply-To/References, else held "
                 "for an operator", mailboxes=("foi", "help", "info", "replies")),
    RoutePattern(RouteName.POSTMASTER, "RFC 5321/2142 role addresses, kept for an operator",
                 mailboxes=("postmaster", "abuse")),
))


def split_address(address: str) -> tuple[str, str]:
    """Local part as given, domain lower-cased.

    >>> split_address("<Request-1-abc@Foi.Example>")
    ('Request-1-abc', 'foi.example')
    """
    address = address.strip().strip("<>").strip()
    local, _, domain = address.rpartition("@")
    return local, domain.lower()


def why_unresolved(address: str, domain: str) -> str:
    """A sentence saying why `resolve` found nothing, for SMTP replies and the CLI."""
    local, address_domain = split_address(address)
    if not local or not address_domain:
        return f"<{address}> is not a complete email address"
    if address_domain != domain.lower():
        return f"mailgate only receives mail for @{domain}, not @{address_domain[:80]} (no relaying)"
    shown = local if len(local) <= 64 else local[:40] + "..."  # an SMTP reply line has 512 octets at most
    return f"there is no mailbox called {shown!r} at {domain}"
