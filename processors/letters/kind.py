"""The letter to a representative as a kind of thread: private by default, never published."""
from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from processors.kinds import ThreadKind
from processors.letters import expiry, moderation, replies, routes, writing
from store.states import ThreadKindName

if TYPE_CHECKING:
    from processors.routing import Delivery
    from store.addresses.routes import Route


class LetterState(StrEnum):
    AWAITING_CONFIRMATION = writing.AWAITING_CONFIRMATION
    SENT = writing.SENT
    REPLIED = replies.REPLIED
    BOUNCED = replies.BOUNCED
    EXPIRED = expiry.EXPIRED
    HELD = moderation.HELD
    REJECTED = moderation.REJECTED


def to_the_mp_of_a_postcode(delivery: Delivery, route: Route) -> None:
    delivery.outcome.notes.append(writing.new_letter(delivery, None))


def to_a_named_representative(delivery: Delivery, route: Route) -> None:
    delivery.outcome.notes.append(writing.new_letter(delivery, route.params["person"]))


def _on_letter_address(delivery: Delivery, route: Route) -> None:
    from processors.routing import on_thread_address  # routing imports the kinds: import it when used

    on_thread_address(delivery, route)


LETTER = ThreadKind(name=ThreadKindName.LETTER, states=LetterState, on_counterpart=replies.from_the_representative,
                    on_requester=replies.from_the_constituent, on_confirm=writing.confirm_letter,
                    routes=routes.ROUTES,
                    route_rules={routes.NEW_LETTER.name: to_the_mp_of_a_postcode,
                                 routes.WRITE_TO.name: to_a_named_representative,
                                 routes.LETTER.name: _on_letter_address},
                    templates=Path(__file__).parent / "templates", noun="letter")
