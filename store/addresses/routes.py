"""The route table: address patterns → route names, and a pure `resolve(address)`.

Every address mailgate answers for is a row here, so `mailgate routes --test`
can explain any of them. Thread addresses carry the thread id and a MAC token;
checking the token against the store happens in `recipients.py`, not here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class RoutePattern:
    name: str
    local_part: str  # regex with named groups, matched against the whole local part
    description: str

    @cached_property  # asked for every RCPT: compile once
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.local_part + r"\Z", re.IGNORECASE)


# Read top to bottom: the first pattern that matches wins.
ROUTES: tuple[RoutePattern, ...] = (
    RoutePattern("thread_authority", r"request-(?P<thread_id>\d+)-(?P<token>[0-9a-z]{6,14})",
                 "a reply from the authority or body into a thread (the address the request was sent from)"),
    RoutePattern("thread_citizen", r"reply-(?P<thread_id>\d+)-(?P<token>[0-9a-z]{6,14})",
                 "the citizen's follow-up or classification, by replying to a notification"),
    RoutePattern("confirm", r"confirm-(?P<thread_id>\d+)-(?P<token>[0-9a-z]{6,14})",
                 "the citizen confirms a request made by email, by replying to the confirmation mail"),
    RoutePattern("bounce", r"bounce-(?P<outbox_id>\d+)-(?P<token>[0-9a-z]{6,14})",
                 "VERP return path: a bounce of one outbound mail"),
    RoutePattern("new_foi", r"foi-(?P<authority>[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?)",
                 "start a Freedom-of-Information request to the named authority"),
    RoutePattern("subscribe", r"(?P<mailbox>subscribe)",
                 "follow a thread or an authority (the archive's \"follow\" links); kept for an operator until "
                 "alerts are automatic"),
    RoutePattern("new_report", r"(?P<mailbox>report)",
                 "report a problem (the archive's \"report a problem\" link); kept for an operator until "
                 "problem reports are automatic"),
    RoutePattern("general", r"(?P<mailbox>foi|help|info|replies)",
                 "the service's general address: routed by In-Reply-To/References, else held for an operator"),
    RoutePattern("postmaster", r"(?P<mailbox>postmaster|abuse)",
                 "RFC 5321/2142 role addresses, kept for an operator"),
)


# Routes whose address names a thread (id + token), as opposed to service addresses.
THREAD_ROUTES = ("thread_authority", "thread_citizen", "confirm")


@dataclass(frozen=True)
class Route:
    name: str
    address: str
    params: dict[str, str] = field(default_factory=dict)

    def param_int(self, key: str) -> int:
        return int(self.params[key])


def split_address(address: str) -> tuple[str, str]:
    """Local part as given, domain lower-cased.

    >>> split_address("<Request-1-abc@Foi.Example>")
    ('Request-1-abc', 'foi.example')
    """
    address = address.strip().strip("<>").strip()
    local, _, domain = address.rpartition("@")
    return local, domain.lower()


def resolve(address: str, domain: str, table: tuple[RoutePattern, ...] = ROUTES) -> Route | None:
    """What an address means, or None. Pure: no store, no secret.

    >>> resolve("request-12-abcdefghjk@foi.example", "foi.example").params
    {'thread_id': '12', 'token': 'abcdefghjk'}
    >>> resolve("foi-camden-council@foi.example", "foi.example").name
    'new_foi'
    >>> resolve("request-12-abcdefghjk@elsewhere.example", "foi.example") is None
    True
    """
    local, address_domain = split_address(address)
    if address_domain != domain.lower() or not local:
        return None
    for pattern in table:
        match = pattern.regex.match(local)
        if match:
            params = {k: v.lower() for k, v in match.groupdict().items() if v is not None}
            return Route(pattern.name, f"{local.lower()}@{address_domain}", params)
    return None


def why_unresolved(address: str, domain: str) -> str:
    """A sentence saying why `resolve` found nothing, for SMTP replies and the CLI."""
    local, address_domain = split_address(address)
    if not local or not address_domain:
        return f"<{address}> is not a complete email address"
    if address_domain != domain.lower():
        return f"mailgate only receives mail for @{domain}, not @{address_domain} (no relaying)"
    return f"there is no mailbox called {local!r} at {domain}"


def describe(name: str) -> str:
    return next(p.description for p in ROUTES if p.name == name)
