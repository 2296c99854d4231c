"""RCPT-time verdicts: accept a recipient, or refuse it with 550 and a sentence a person understands.

Refusing at RCPT (rather than accepting and bouncing later) is what keeps
mailgate from ever sending backscatter to forged senders.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from mailgate.addresses import AddressBook
from mailgate.routes import Route, resolve, why_unresolved
from store.models import Authority, Thread, WhoMayPost

THREAD_ROUTES = ("thread_authority", "thread_citizen", "confirm")


@dataclass(frozen=True)
class Verdict:
    accept: bool
    reply: str  # the full SMTP reply line for this recipient
    route: Route | None = None


def refuse(reason: str, code: str = "550 5.1.1") -> Verdict:
    return Verdict(False, f"{code} {reason}")


def accept(route: Route, note: str = "recipient ok") -> Verdict:
    return Verdict(True, f"250 2.1.5 {note}", route)


class RecipientChecker:
    def __init__(self, addresses: AddressBook, engine: sa.Engine):
        self.addresses = addresses
        self.engine = engine

    def check(self, address: str, mail_from: str) -> Verdict:
        route = resolve(address, self.addresses.domain)
        if route is None:
            foreign = not address.lower().rstrip(">").endswith("@" + self.addresses.domain)
            return refuse(why_unresolved(address, self.addresses.domain), "550 5.7.1" if foreign else "550 5.1.1")
        if route.name == "bounce":
            if not self.addresses.token_valid("bounce", route.params["outbox_id"], route.params["token"]):
                return refuse(f"<{route.address}> is not a bounce address of ours")
            return accept(route)
        if route.name in THREAD_ROUTES:
            return self._check_thread(route, mail_from)
        return accept(route)

    def _check_thread(self, route: Route, mail_from: str) -> Verdict:
        ident, token = route.params["thread_id"], route.params["token"]
        if self.addresses.token_valid(route.name, ident, token):
            candidates = [int(ident)]
        else:
            candidates = self.addresses.typo_candidates(route.name, ident, token)
        with Session(self.engine) as session:
            threads = session.exec(select(Thread).where(Thread.id.in_(candidates))).all() if candidates else []
            if not threads:
                return refuse(f"<{route.address}> is not a valid address here: it matches no request "
                              "(please check it against the address you were written from)")
            if len(threads) > 1:
                # Ambiguous typo: accept, and let processing decide by In-Reply-To or hold it.
                return accept(route, "recipient ok (address looks mistyped; it will be matched by hand if needed)")
            thread = threads[0]
            if route.name == "confirm":
                return accept(route) if thread.state == "awaiting_confirmation" else refuse(
                    f"request {thread.id} is already confirmed; there is nothing to confirm at <{route.address}>")
            return self._who_may_post(session, thread, route, mail_from)

    def _who_may_post(self, session: Session, thread: Thread, route: Route, mail_from: str) -> Verdict:
        if thread.who_may_post == WhoMayPost.NOBODY or thread.state == "user_withdrawn":
            return refuse(f"request {thread.id} ({thread.title!r}) is closed and no longer accepts "
                          "mail; please write to the service's general address if you need to reach us")
        if thread.who_may_post == WhoMayPost.AUTHORITY_ONLY and route.name == "thread_authority":
            authority = session.get(Authority, thread.authority_id) if thread.authority_id else None
            sender_domain = mail_from.rpartition("@")[2].lower()
            if authority is None or not _same_organisation(sender_domain, authority.email_domain):
                return refuse(f"request {thread.id} ({thread.title!r}) has been quiet for a long time and now "
                              "only accepts replies from the authority's own mail domain")
        return accept(route)


def _same_organisation(sender_domain: str, authority_domain: str) -> bool:
    """>>> _same_organisation("mail.camden.gov.uk", "camden.gov.uk")
    True
    """
    return bool(sender_domain) and (sender_domain == authority_domain or sender_domain.endswith("." + authority_domain))
