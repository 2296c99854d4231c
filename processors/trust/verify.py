"""mailgate's own SPF, DKIM and DMARC checks (MAILGATE_SENDER_TRUST=verify), with kept libraries:
pyspf for SPF, dkimpy for DKIM, authheaders for DMARC and to write the result as an
Authentication-Results header, which verdict.py reads like any other.

SPF needs the SMTP session's client address and HELO (or those Postfix passes with
XFORWARD), which the gateway stores with the message. All three libraries resolve
through dnspython's default resolver: MAILGATE_DNS_RESOLVER points it at a server.
"""
from __future__ import annotations

import threading

import dns.resolver
from authheaders import authenticate_message

LOOKUP_SECONDS = 5.0  # per query: a slow DNS costs one actor thread a few seconds, never the gateway

_configured: str | None = None
_lock = threading.Lock()


def use_resolver(address: str) -> None:
    """Point dnspython's default resolver (used by pyspf, dkimpy and authheaders) at HOST:PORT,
    or at the system's servers when `address` is empty."""
    global _configured
    with _lock:
        if address == _configured:
            return
        if address:
            host, _, port = address.rpartition(":")
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [host.strip("[]")]
            resolver.port = int(port)
        else:
            resolver = dns.resolver.Resolver()
        resolver.lifetime = LOOKUP_SECONDS
        dns.resolver.default_resolver = resolver
        _configured = address


def authenticate(raw: bytes, authserv_id: str, client_ip: str, helo: str, mail_from: str, signed: bool,
                 dns_resolver: str = "") -> str:
    """Our own Authentication-Results header value for the message (without the field name).
    `signed`: it has a DKIM-Signature; authheaders calls a message without one a DKIM failure."""
    use_resolver(dns_resolver)
    spf = bool(client_ip)  # a message that did not come over SMTP (an import) has no client to check
    header = authenticate_message(raw, authserv_id, spf=spf, dkim=signed, dmarc=True, ip=client_ip or None,
                                  mail_from=mail_from, helo=helo or client_ip)
    return header.split(":", 1)[1].strip()
