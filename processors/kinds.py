"""Kinds of thread (an FOI request today; problem reports and letters next) and their rules.

Every thread has a kind. The spine (gateway, store writer, sweeper, outbox,
delivery) knows nothing of kinds: it moves ids. Processing asks the thread's kind
what a message to one of the thread's shared addresses means (a reply from the
counterpart, the requester's reply, a confirmation), and a kind may bring
addresses of its own (route rows with their rules), its own states and its own
mail templates. Adding a kind is adding a `ThreadKind` to the registry that the
runtime hands to the context; see tests/spine/test_thread_kinds.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from store.addresses.routes import ROUTES, Route, RoutePattern, RouteTable

if TYPE_CHECKING:
    from processors.routing import Delivery
    from store.models import Thread

ThreadRule = Callable[["Delivery", "Thread"], str]  # returns a note for the inbound row's log
RouteRule = Callable[["Delivery", Route], None]


class HoldForOperator(Exception):
    """Raised by a rule: held rather than acted on; the message is the reason shown in the holding pen."""


class NeedsConfirmation(Exception):
    """Raised by a rule: act only once the thread's registered address confirms, by replying to a
    challenge mail (processors/trust/challenge.py). The message says what confirming does, in the
    service's own words: it goes into that mail, so it must hold nothing the sender wrote."""


@dataclass(frozen=True)
class ThreadKind:
    name: str                         # the value of thread.kind
    states: type[StrEnum]             # the values its thread.state takes
    on_counterpart: ThreadRule        # mail to the thread's counterpart-facing address (the authority replies)
    on_requester: ThreadRule          # the requester replies to a notification (follow-up, classification)
    on_confirm: ThreadRule            # the requester confirms what they started by email
    routes: tuple[RoutePattern, ...] = ()                        # addresses of its own
    route_rules: Mapping[str, RouteRule] = field(default_factory=dict)  # for those addresses (or shared ones)
    templates: Path | None = None     # a folder of its own mail templates, searched before templates/mail
    noun: str = "thread"              # what its mails call one thread: "request", "report", "letter"


class KindRegistry:
    def __init__(self, kinds: Iterable[ThreadKind]):
        self._kinds: dict[str, ThreadKind] = {}
        for kind in kinds:
            if kind.name in self._kinds:
                raise ValueError(f"two thread kinds are called {kind.name!r}")
            missing = {p.name for p in kind.routes} - set(kind.route_rules)
            if missing:
                raise ValueError(f"thread kind {kind.name!r} has no rule for its routes {sorted(missing)}")
            self._kinds[kind.name] = kind

    def __getitem__(self, name: str) -> ThreadKind:
        try:
            return self._kinds[name]
        except KeyError:
            raise KeyError(f"no thread kind {name!r} is registered (known: {', '.join(self._kinds)})") from None

    def __iter__(self):
        return iter(self._kinds.values())

    def with_kind(self, kind: ThreadKind) -> KindRegistry:
        return KindRegistry([*self._kinds.values(), kind])

    def routes(self) -> RouteTable:
        """The shared route table with every kind's own rows."""
        return ROUTES.extended(tuple(p for kind in self for p in kind.routes))

    def route_rules(self) -> dict[str, RouteRule]:
        rules: dict[str, RouteRule] = {}
        for kind in self:
            rules.update(kind.route_rules)
        return rules

    def template_folders(self) -> list[Path]:
        return [kind.templates for kind in self if kind.templates is not None]


def default_kinds() -> KindRegistry:
    """The kinds this code base ships."""
    from processors.foi.kind import FOI
    from processors.letters.kind import LETTER
    from processors.reports.kind import REPORT

    return KindRegistry([FOI, REPORT, LETTER])
