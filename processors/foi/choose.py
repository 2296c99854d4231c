"""A request written to an authority we do not know: the answer, and a reply to it that names the right one.

Mail to `foi-SLUG@` with an unknown SLUG is answered (through the strangers' gate) from a token
address `choose-INBOUND-TOKEN@`, listing close matches. A reply to that address from the same
sender that names an authority's short name (`borsetshire-council`, or its `foi-…@` address)
replays the original message as if it had been written to that authority: the usual
confirmation follows, and nothing is sent to the authority until the sender confirms. A reply
that names none is answered again with the list. The token proves the reply's sender reads the
mailbox we answered, so the answer to it is not held back by the hourly limit per address
(processors/strangers.py); whatever else the reply says is never repeated.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from sqlmodel import func, select

from processors.foi.authorities import close_authorities, known_slugs
from processors.mail_out import MailSpec
from processors.strangers import queue_mail_to_stranger, short_title
from processors.understanding import understand
from store.addresses.routes import Route, RouteName, RoutePattern
from store.models import Counterpart, InboundMessage, Outbox
from store.states import SenderTrust

if TYPE_CHECKING:
    from processors.routing import Delivery

CHOOSE = "choose_authority"
CHOOSE_ROUTE = RoutePattern(CHOOSE, "the sender of a request to an authority mailgate does not know names the one "
                            "they meant, by replying to its answer", prefix="choose", param="inbound_id",
                            purpose="choose")
# A reply is searched for a short name in its first words only: a long reply costs no more than a short one.
WORDS_READ = 40
# Replies naming no authority are answered this many times per original message, then only noted: a
# person gets the list again at once, an answering machine that looks like a person gets no ping-pong.
AGAIN_AT_MOST = 3
_WORD = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def answer_unknown_authority(delivery: Delivery, slug: str, citizen: str, title: str) -> str:
    """Mail the close matches to whoever wrote to foi-SLUG@ for an unknown SLUG; returns a note."""
    session, context, inbound = delivery.session, delivery.context, delivery.inbound
    refused = _answer(delivery, citizen, close_authorities(session, slug), title,
                      dedupe_key=f"unknown-authority:{inbound.id}", reply_to=context.addresses.address(CHOOSE, inbound.id),
                      again=False)
    return refused or f"no authority {slug!r}; suggested close matches to {citizen}"


def choose_authority(delivery: Delivery, route: Route, start: Callable[[Delivery, str], str]) -> str:
    """A reply to `choose-ID-TOKEN@`: `start` (processors/foi/requests.new_request_by_email) the original
    message for the authority it names, or answer again with the close matches. Returns a note."""
    original_id = route.param_int("inbound_id")
    session, understood = delivery.session, delivery.understood
    if understood.loop_risk or understood.kind != "human":
        return f"{understood.kind} mail to the choose address of inbound {original_id}; nothing done"
    if delivery.trust == SenderTrust.FAIL:
        return f"a reply to the choose address of inbound {original_id} whose sender-trust verdict is fail; ignored"
    original = session.get(InboundMessage, original_id)
    if original is None:
        return f"a reply to the choose address of inbound {original_id}, which is no longer kept; nothing done"
    first = understand(original.raw, envelope_from=original.mail_from)
    citizen = (first.from_address or "").lower()
    if not citizen or (understood.from_address or "").lower() != citizen:
        return f"a reply to the choose address of inbound {original_id} from someone else; ignored"
    words = _WORD.findall(understood.new_text[:WORDS_READ * 100].lower())[:WORDS_READ]
    chosen = _named_authority(delivery, words)
    if chosen is not None:
        replay = replace(delivery, inbound=original, understood=first, confirmed=True)
        return f"{citizen} chose {chosen}: " + start(replay, chosen)
    again = f"unknown-authority-again:{original_id}:"
    answered = session.exec(select(func.count()).select_from(Outbox).where(Outbox.dedupe_key.startswith(again))).one()
    if answered >= AGAIN_AT_MOST:
        return f"the reply of {citizen} named no authority; answered {answered} times already, so not again"
    written_to = [delivery.context.addresses.resolve(address) for address in original.rcpt_to]
    unknown_slug = next((r.params["authority"] for r in written_to if r is not None and r.name == RouteName.NEW_FOI), "")
    matches = close_authorities(session, "-".join(words[:6])) if words else []
    matches += [a for a in close_authorities(session, unknown_slug) if a not in matches]
    refused = _answer(replace(delivery, confirmed=True), first.from_address or citizen, matches[:5],
                      short_title(first.subject), dedupe_key=again + str(delivery.inbound.id),
                      reply_to=delivery.context.addresses.address(CHOOSE, original_id), again=True)
    return refused or f"the reply of {citizen} named no authority; sent the close matches again"


def _named_authority(delivery: Delivery, words: list[str]) -> str | None:
    """The first word of the reply that is an authority's short name (or its foi-…@ address), if any."""
    candidates = [w.removeprefix("foi-") for w in words]
    if not candidates:
        return None
    known = known_slugs(delivery.session, set(candidates))
    return next((c for c in candidates if c in known), None)


def _answer(delivery: Delivery, to: str, matches: list[Counterpart], title: str, *, dedupe_key: str, reply_to: str,
            again: bool) -> str | None:
    context, understood = delivery.context, delivery.understood
    reply_to_theirs = f"<{understood.message_id}>" if understood.message_id else None
    return queue_mail_to_stranger(delivery, MailSpec(
        dedupe_key=dedupe_key, kind="foi_unknown_authority", to=to, from_address=reply_to,
        from_name=context.config.service_name, reply_to=reply_to, in_reply_to=reply_to_theirs,
        references=[reply_to_theirs] if reply_to_theirs else [],
        values={"matches": matches, "title": title, "again": again}))
