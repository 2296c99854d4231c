"""One sender-trust verdict per inbound message: pass, fail or unknown (store.states.SenderTrust).

- **fail**: the From: header is missing, malformed or names more than one address (then
  nobody can say who wrote it), or any SPF, DKIM or DMARC result for the From: domain failed,
  whoever wrote that result: negative evidence can only hold a message, never let one through.
- **pass**: an SPF or DKIM pass, or a DMARC pass, from a source we believe, for a domain that
  aligns (relaxed: the same organisational domain, by the Public Suffix List) with From:.
- **unknown**: neither.

The sources we believe (MAILGATE_SENDER_TRUST): `none` (the embedded default) believes no pass;
`upstream` believes the Authentication-Results headers of our own MTA (MAILGATE_AUTHSERV_ID)
above the first Received: header, which a sender cannot write; `verify` runs the checks itself
(verify.py). The message's bytes are never changed: the evidence is stored beside them.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from functools import cache

from processors.config import ProcessorsConfig
from processors.trust.evidence import Result, domain_of, parse_authentication_results, results_in
from processors.trust.verify import authenticate
from store.models import InboundMessage
from store.states import SenderTrust

HEADER_BYTES = 256 * 1024  # the headers are all we read; a message's body can be 25 MB
FAILED = {"fail", "softfail", "permerror"}


@dataclass(frozen=True)
class Judgement:
    trust: SenderTrust
    evidence: str  # one line, for the operator: what the verdict rests on


@cache
def _suffixes():  # the packaged snapshot of the Public Suffix List, loaded once
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def organisation(domain: str) -> str:
    """The organisational domain: the registrable part, by the Public Suffix List.

    >>> organisation("mail.camden.gov.uk"), organisation("www.example.org")
    ('camden.gov.uk', 'example.org')
    """
    return _suffixes().privatesuffix(domain) or domain


def aligned(domain: str, from_domain: str) -> bool:
    return bool(domain) and organisation(domain) == organisation(from_domain)


def the_from(headers: Message) -> tuple[str | None, str]:
    """The one From: address, or None and why there is none that can be believed."""
    values = headers.get_all("From") or []
    if len(values) != 1:
        return None, f"{len(values)} From: headers"
    addresses = [address for _, address in getaddresses([str(values[0])]) if address]
    if len(addresses) != 1:
        return None, f"From: names {len(addresses)} addresses"
    local, at, domain = addresses[0].rpartition("@")
    if not (local and at and "." in domain) or any(c.isspace() for c in addresses[0]):
        return None, "From: is not an address"
    return addresses[0].lower(), ""


def judge(raw: bytes, *, source: str, authserv_id: str, client_ip: str = "", helo: str = "",
          mail_from: str = "", dns_resolver: str = "") -> Judgement:
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:HEADER_BYTES], headersonly=True)
    sender, why_not = the_from(headers)
    if sender is None:
        return Judgement(SenderTrust.FAIL, why_not)
    from_domain = domain_of(sender)
    results = results_in(headers, authserv_id, trust_topmost=source == "upstream")
    if source == "verify":
        # The headers parsed above say whether there is a signature: no second pass over the bytes.
        signed = bool(headers.get_all("DKIM-Signature"))
        ours = authenticate(raw, authserv_id, client_ip, helo, mail_from, signed, dns_resolver)
        results += [Result(r.method, r.result, r.domain, r.by, True) for r in parse_authentication_results(ours, True)]
    return weigh(results, from_domain)


def judge_inbound(config: ProcessorsConfig, inbound: InboundMessage) -> None:
    """Judge a stored message once, when first processed; a retry keeps the first verdict."""
    if inbound.sender_trust:
        return
    judged = judge(inbound.raw, source=config.sender_trust, authserv_id=config.authserv_id,
                   client_ip=_ip_or_nothing(inbound.peer), helo=inbound.helo, mail_from=inbound.mail_from,
                   dns_resolver=config.dns_resolver)
    inbound.sender_trust, inbound.trust_evidence = judged.trust, judged.evidence


def _ip_or_nothing(peer: str) -> str:
    try:
        return str(ipaddress.ip_address(peer))
    except ValueError:  # a Unix socket, or a message imported from a file: no client to check SPF for
        return ""


def weigh(results: list[Result], from_domain: str) -> Judgement:
    """The verdict from the results, for a From: domain."""
    about_from = [r for r in results if not r.domain or aligned(r.domain, from_domain)]
    failed = [r for r in about_from if r.result in FAILED]
    if failed:
        return Judgement(SenderTrust.FAIL, _describe(failed, from_domain))
    passed = [r for r in about_from if r.ours and r.domain and r.result == "pass"]
    if passed:
        return Judgement(SenderTrust.PASS, _describe(passed, from_domain))
    believed = [r for r in results if r.ours]
    return Judgement(SenderTrust.UNKNOWN, _describe(believed, from_domain) if believed
                     else f"no evidence we believe for {from_domain}")


def _describe(results: list[Result], from_domain: str) -> str:
    return f"From: {from_domain}; " + "; ".join(dict.fromkeys(map(str, results)))
