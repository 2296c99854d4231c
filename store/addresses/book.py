"""Making and checking mailgate's own addresses under one domain, from the route table's rows.

Token addresses (thread, confirm, VERP) need the site secret; service addresses
(`foi-SLUG@`, `subscribe@`, `report@`) do not, so the archive can print them too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from store.addresses.routes import ROUTES, Route, RouteName, RouteTable
from store.addresses.tokens import MAX_TYPO_HMACS, id_variants, make_token, token_matches, within_one_typo


@dataclass(frozen=True)
class ServiceAddresses:
    """The addresses anyone may write to: no secret involved."""

    domain: str
    routes: RouteTable = ROUTES

    def service(self, route_name: str, value: str = "") -> str:
        """`foi-SLUG@` for a slug route; the first mailbox (or `value`) of a mailbox route.

        >>> ServiceAddresses("foi.example").service(RouteName.SUBSCRIBE)
        'subscribe@foi.example'
        """
        pattern = self.routes[route_name]
        if pattern.purpose:
            raise ValueError(f"{route_name} addresses carry a token: use AddressBook")
        return f"{pattern.local_part(value or (pattern.mailboxes[0] if pattern.mailboxes else ''))}@{self.domain}"

    def new_request(self, authority_slug: str) -> str:
        return self.service(RouteName.NEW_FOI, authority_slug)

    def matching(self, route_names: tuple[str, ...]) -> re.Pattern[str]:
        """Any address of these (token-free) rows, e.g. the ones a public page may show.

        >>> book = ServiceAddresses("example.org")
        >>> bool(book.matching((RouteName.NEW_FOI,)).fullmatch("foi-camden-council@example.org"))
        True
        >>> bool(book.matching((RouteName.NEW_FOI,)).fullmatch("someone@example.org"))
        False
        """
        # Each row's shape without its group names, which several rows share.
        shapes = [re.sub(r"\(\?P<\w+>", "(?:", self.routes[name].regex.pattern.removesuffix(r"\Z"))
                  for name in route_names]
        return re.compile("(?:" + "|".join(shapes) + ")@" + re.escape(self.domain), re.IGNORECASE)

    def resolve(self, address: str) -> Route | None:
        return self.routes.resolve(address, self.domain)


@dataclass(frozen=True)
class AddressBook(ServiceAddresses):
    """Service addresses, and the token addresses that only the holder of the secret can make."""

    secret: bytes = b""

    def address(self, route_name: str, ident: int) -> str:
        pattern = self.routes[route_name]
        return f"{pattern.local_part(ident, self.token(route_name, ident))}@{self.domain}"

    def token(self, route_name: str, ident: int) -> str:
        """The token of this row's address for `ident` (also what the unsubscribe URL carries)."""
        return make_token(self.secret, self.routes[route_name].purpose, ident)

    def authority_facing(self, thread_id: int) -> str:
        return self.address(RouteName.THREAD_AUTHORITY, thread_id)

    def citizen_facing(self, thread_id: int) -> str:
        return self.address(RouteName.THREAD_CITIZEN, thread_id)

    def confirm(self, thread_id: int) -> str:
        return self.address(RouteName.CONFIRM, thread_id)

    def challenge(self, challenge_id: int) -> str:
        return self.address(RouteName.CHALLENGE, challenge_id)

    def verp(self, outbox_id: int) -> str:
        return self.address(RouteName.BOUNCE, outbox_id)

    def carries_token(self, route_name: str) -> bool:
        return bool(self.routes[route_name].purpose)

    def token_valid(self, route_name: str, ident: int | str, token: str) -> bool:
        return token_matches(make_token(self.secret, self.routes[route_name].purpose, ident), token)

    def typo_candidates(self, route_name: str, ident: str, token: str) -> list[int]:
        """Ids whose address is one typo away in the id or in the token (not both), trying at
        most MAX_TYPO_HMACS ids: a hostile address costs no more than a mistyped one."""
        purpose = self.routes[route_name].purpose
        found = []
        for variant in id_variants(ident)[:MAX_TYPO_HMACS]:
            expected = make_token(self.secret, purpose, int(variant))
            if variant == ident and within_one_typo(expected, token):
                found.append(int(variant))
            elif variant != ident and token_matches(expected, token):
                found.append(int(variant))
        return found
