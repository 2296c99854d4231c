"""Making and checking mailgate's own addresses (thread, confirm, VERP) under one domain."""
from __future__ import annotations

from dataclasses import dataclass

from store.addresses.tokens import id_variants, make_token, token_matches, within_one_typo

# route name → token purpose. Separate purposes make a leaked authority-facing
# address useless for posting as the citizen, and vice versa.
PURPOSES = {
    "thread_authority": "authority",
    "thread_citizen": "citizen",
    "confirm": "confirm",
    "bounce": "bounce",
}
PREFIXES = {"thread_authority": "request", "thread_citizen": "reply", "confirm": "confirm", "bounce": "bounce"}


@dataclass(frozen=True)
class AddressBook:
    secret: bytes
    domain: str

    def address(self, route_name: str, ident: int) -> str:
        token = make_token(self.secret, PURPOSES[route_name], ident)
        return f"{PREFIXES[route_name]}-{ident}-{token}@{self.domain}"

    def authority_facing(self, thread_id: int) -> str:
        return self.address("thread_authority", thread_id)

    def citizen_facing(self, thread_id: int) -> str:
        return self.address("thread_citizen", thread_id)

    def confirm(self, thread_id: int) -> str:
        return self.address("confirm", thread_id)

    def verp(self, outbox_id: int) -> str:
        return self.address("bounce", outbox_id)

    def token_valid(self, route_name: str, ident: int | str, token: str) -> bool:
        return token_matches(make_token(self.secret, PURPOSES[route_name], ident), token)

    def typo_candidates(self, route_name: str, ident: str, token: str) -> list[int]:
        """Ids whose address is one typo away in the id or in the token (not both)."""
        purpose = PURPOSES[route_name]
        found = []
        for variant in sorted(id_variants(ident), key=lambda v: (v != ident, int(v))):
            expected = make_token(self.secret, purpose, int(variant))
            if variant == ident and within_one_typo(expected, token):
                found.append(int(variant))
            elif variant != ident and token_matches(expected, token):
                found.append(int(variant))
        return found
