"""The addresses of letters: one home for their shape, whether printed by the import or (next) routed."""
from __future__ import annotations

from store.addresses.routes import RoutePattern

WRITE_TO = RoutePattern("letter_to", "write a letter to the named representative (printed by `mailgate import "
                        "representatives`)", prefix="write", param="person")


def write_to_address(person_slug: str, domain: str) -> str:
    """The address that writes to one representative, printed by the import and by `mailgate where`.

    >>> write_to_address("alys-example", "foi.example")
    'write-alys-example@foi.example'
    """
    return f"{WRITE_TO.local_part(person_slug)}@{domain}"
