"""Who may post into a thread now: the one rule, asked at RCPT (to refuse with a sentence) and
again in processing (to hold what was accepted a moment before a thread closed)."""
from __future__ import annotations

from store.addresses.routes import RouteName
from store.states import WhoMayPost


def why_closed(thread_id: int, title: str, who_may_post: str, state: str, counterpart_domains: tuple[str, ...],
               route_name: str, mail_from: str) -> str | None:
    """Why this sender may not write into this thread now, or None. The one rule, asked at
    RCPT (to refuse) and again in processing (to hold what was accepted just before a close)."""
    if route_name == RouteName.CONFIRM:
        return None
    # Only an operator (or age) closes a thread: a withdrawn request still publishes the authority's replies.
    if who_may_post == WhoMayPost.NOBODY:
        return (f"request {thread_id} ({title!r}) is closed and no longer accepts mail; please write to "
                "the service's general address if you need to reach us")
    if who_may_post == WhoMayPost.AUTHORITY_ONLY and route_name == RouteName.THREAD_AUTHORITY:
        sender_domain = mail_from.rpartition("@")[2].lower()
        if not any(same_organisation(sender_domain, domain) for domain in counterpart_domains):
            return (f"request {thread_id} ({title!r}) has been quiet for a long time and now only accepts "
                    "replies from the mail domain of the authority (or other body) it was sent to")
    return None


def same_organisation(sender_domain: str, authority_domain: str) -> bool:
    """The sender's domain is the authority's, or a subdomain of it.

    >>> same_organisation("mail.camden.gov.uk", "camden.gov.uk"), same_organisation("evilcamden.gov.uk", "camden.gov.uk")
    (True, False)
    """
    return bool(sender_domain) and (sender_domain == authority_domain or sender_domain.endswith("." + authority_domain))
