"""Read the authentication evidence in a message's headers: Authentication-Results (RFC 8601)
and Received-SPF (RFC 7208 §9.1), as (method, result, domain) with who wrote each.

Which of them to believe is the verdict's business (verdict.py): a pass only from our own
MTA's topmost headers, a failure from anywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

import authres

# Properties that name the domain a result is about, by method.
_DOMAIN_PROPERTIES = {"spf": ("mailfrom", "helo"), "dkim": ("d", "i"), "dmarc": ("from",)}
_RECEIVED_SPF = re.compile(r"^\s*(?P<result>[a-z]+)\b(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_ENVELOPE_FROM = re.compile(r"\benvelope-from\s*=\s*\"?<?(?P<value>[^\s;\">]+)", re.IGNORECASE)
_TRACE_BOUNDARY = "received"  # headers above the first Received: are the ones our own hop added


@dataclass(frozen=True)
class Result:
    method: str       # spf | dkim | dmarc
    result: str       # pass | fail | softfail | none | neutral | temperror | permerror | policy
    domain: str       # the domain it is about ("" when the header did not say)
    by: str           # the authserv-id (or "Received-SPF")
    ours: bool        # written by our own MTA or our own checks: a pass counts

    def __str__(self) -> str:
        about = f" for {self.domain}" if self.domain else ""
        return f"{self.method}={self.result}{about} (by {self.by})"


def domain_of(value: str) -> str:
    """The domain of an address (or a bare domain), lower-cased.

    >>> domain_of("<Sam@Mail.Example.org>"), domain_of("example.org")
    ('mail.example.org', 'example.org')
    """
    return value.strip().strip("<>").rpartition("@")[2].strip().rstrip(".").lower()


def parse_authentication_results(value: str, ours: bool) -> list[Result]:
    try:
        header = authres.AuthenticationResultsHeader.parse("Authentication-Results: " + " ".join(value.split()))
    except Exception:  # a malformed header is no evidence; nothing in it can count
        return []
    found = []
    for entry in header.results:
        method = str(entry.method).lower()
        if method not in _DOMAIN_PROPERTIES:
            continue
        names = _DOMAIN_PROPERTIES[method]
        domain = next((domain_of(str(p.value)) for name in names for p in entry.properties
                       if str(p.name).lower() == name and p.value), "")
        found.append(Result(method, str(entry.result).lower(), domain, str(header.authserv_id).lower(), ours))
    return found


def parse_received_spf(value: str) -> list[Result]:
    match = _RECEIVED_SPF.match(value)
    if match is None:
        return []
    envelope = _ENVELOPE_FROM.search(match["rest"])
    return [Result("spf", match["result"].lower(), domain_of(envelope["value"]) if envelope else "",
                   "Received-SPF", False)]


def results_in(headers: Message, authserv_id: str, trust_topmost: bool) -> list[Result]:
    """Every result in the headers; with `trust_topmost`, those our MTA (authserv_id) wrote above
    the first Received: header are marked as ours. Look-alikes below it come from outside."""
    found: list[Result] = []
    above_first_received = True
    for name, value in headers.items():
        name = name.lower()
        if name == _TRACE_BOUNDARY:
            above_first_received = False
        elif name == "authentication-results":
            results = parse_authentication_results(str(value), ours=False)
            mine = trust_topmost and above_first_received and written_by(str(value), authserv_id)
            found.extend(Result(r.method, r.result, r.domain, r.by, True) if mine else r for r in results)
        elif name == "received-spf":
            found.extend(parse_received_spf(str(value)))
    return found


def written_by(raw_value: str, authserv_id: str) -> bool:
    """The header's authserv-id is `authserv_id`.

    >>> written_by(" mx.example.org (version 1); dkim=pass", "MX.example.org")
    True
    """
    first = raw_value.strip().split(";", 1)[0].split()
    return bool(first) and first[0].lower() == authserv_id.lower()
