"""A digest is DKIM-signed when a key is configured, and the signature covers List-Unsubscribe and
List-Unsubscribe-Post (dkimpy does not sign the latter by default; RFC 8058 section 4 asks for both).
Verified by dkimpy against a real DNS server on a loopback port (dnslib) serving the public key."""
from __future__ import annotations

import base64
import re
from datetime import timedelta

import dkim
import dns.resolver
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from dnslib.server import DNSLogger, DNSServer
from dnslib.zoneresolver import ZoneResolver

from mailgate.runtime.embedded import BackgroundService
from processors.alerts.digests import send_digests
from store.clock import MovableClock
from tests.alerts.conftest import COUNTY, MONDAY_6_AM, a_request, digests_to, follow, reply
from tests.reports.conftest import with_the_sample


@pytest.fixture
def signing(make_settings, relay, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "dkim.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                      serialization.NoEncryption()))
    public = base64.b64encode(key.public_key().public_bytes(serialization.Encoding.DER,
                                                            serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
    chunks = " ".join(f'"{public[i:i + 200]}"' for i in range(0, len(public), 200))
    zone = f's2026._domainkey.foi.test. 60 IN TXT "v=DKIM1; k=rsa; p=" {chunks}\n'
    quiet = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    server = DNSServer(ZoneResolver(zone, glob=False), address="127.0.0.1", port=0, logger=quiet)
    server.start_thread()
    clock = MovableClock()
    clock.set(MONDAY_6_AM)
    live = BackgroundService(make_settings(relay=relay.address, site_url="https://foi.test/", dkim_key=str(pem),
                                           dkim_selector="s2026"), clock=clock).start(archive=True)
    yield with_the_sample(live), server.server.server_address[1]
    live.stop()
    server.stop()


def test_a_digest_is_signed_over_both_list_unsubscribe_headers(signing, relay):
    service, dns_port = signing
    budget = a_request(service, "borsetshire-council", "Gritting budget")
    follow(service, relay, "authority borsetshire-council")
    service.clock.advance(timedelta(minutes=1))
    reply(service, budget, COUNTY, "An answer.")
    send_digests(service.context, "daily")
    service.wait_idle()
    [digest] = digests_to(relay)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], dns_port

    def lookup(name: bytes, timeout: int = 5) -> bytes:
        answer = resolver.resolve(name.decode(), "TXT", lifetime=timeout)
        return b"".join(b"".join(record.strings) for record in answer)

    assert dkim.verify(digest.raw, dnsfunc=lookup)
    signature = digest.raw.split(b"\r\n\r\n", 1)[0].decode()
    signed = re.search(r"\bh=([^;]+)", re.sub(r"\s+", "", signature.split("DKIM-Signature:", 1)[1])).group(1)
    assert {"list-unsubscribe", "list-unsubscribe-post", "list-id"} <= set(signed.lower().split(":"))
    tampered = digest.raw.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                                  b"List-Unsubscribe-Post: List-Unsubscribe=Two-Clicks")
    assert not dkim.verify(tampered, dnsfunc=lookup)
