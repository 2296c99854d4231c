"""The addresses of letters: one home for their shape, whether printed by the import or routed."""
from __future__ import annotations

from store.addresses.routes import RoutePattern

NEW_LETTER = RoutePattern("new_letter", "write a letter to your MP: a postcode in the subject or the first line, "
                          "your name and postal address at the end", mailboxes=("write",))
WRITE_TO = RoutePattern("letter_to", "write a letter to the named representative (printed by `mailgate import "
                        "representatives`)", prefix="write", param="person")
LETTER = RoutePattern("letter", "a representative's reply to a letter (the address the letter was sent from); "
                      "forwarded privately to the constituent", prefix="letter", param="thread_id", purpose="letter",
                      names_thread=True)
ROUTES = (NEW_LETTER, WRITE_TO, LETTER)


def write_to_address(person_slug: str, domain: str) -> str:
    """The address that writes to one representative, printed by the import and by `mailgate where`.

    >>> write_to_address("alys-example", "foi.example")
    'write-alys-example@foi.example'
    """
    return f"{WRITE_TO.local_part(person_slug)}@{domain}"
