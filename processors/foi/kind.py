"""The FOI request as a kind of thread: what each of its addresses means."""
from __future__ import annotations

from typing import TYPE_CHECKING

from processors.foi.choose import CHOOSE, CHOOSE_ROUTE, choose_authority
from processors.foi.citizen import citizen_reply
from processors.foi.requests import confirm_by_email, new_request_by_email
from processors.foi.responses import receive_response
from processors.kinds import ThreadKind
from store.addresses.routes import Route, RouteName
from store.foi_states import FoiState
from store.states import ThreadKindName

if TYPE_CHECKING:
    from processors.routing import Delivery
    from store.models import Thread


def from_the_authority(delivery: Delivery, thread: Thread) -> str:
    return receive_response(delivery.session, delivery.context, thread, delivery.inbound, delivery.understood)


def from_the_requester(delivery: Delivery, thread: Thread) -> str:
    return citizen_reply(delivery, thread)


def confirmation(delivery: Delivery, thread: Thread) -> str:
    return confirm_by_email(delivery.session, delivery.context, thread, delivery.understood, delivery.trust)


def new_request(delivery: Delivery, route: Route) -> None:
    delivery.outcome.notes.append(new_request_by_email(delivery, route.params["authority"]))


def chosen_authority(delivery: Delivery, route: Route) -> None:
    delivery.outcome.notes.append(choose_authority(delivery, route, start=new_request_by_email))


FOI = ThreadKind(name=ThreadKindName.FOI, states=FoiState, on_counterpart=from_the_authority,
                 on_requester=from_the_requester, on_confirm=confirmation,
                 routes=(CHOOSE_ROUTE,), route_rules={RouteName.NEW_FOI: new_request, CHOOSE: chosen_authority},
                 noun="request")
