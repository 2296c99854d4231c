"""Where the sender-trust verdict's evidence comes from, and what it may not be fooled by.

`verify` runs real SPF, DKIM and DMARC checks (pyspf, dkimpy, authheaders) against a real
DNS server on a loopback port (dnslib, serving the zone below), reached through the
MAILGATE_DNS_RESOLVER setting. `upstream` believes only the Authentication-Results that
our own MTA put on top of the message. Alignment uses the packaged Public Suffix List.
"""
from __future__ import annotations

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from dnslib.server import DNSLogger, DNSServer
from dnslib.zoneresolver import ZoneResolver
from sqlmodel import Session, select

from store.models import InboundMessage
from tests.foi.test_rules import CITIZEN, make_thread

OURS = "mx.foi.test"


@pytest.fixture(scope="module")
def dkim_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


@pytest.fixture(scope="module")
def dns_server(dkim_key):
    """A real DNS server on a loopback port with the test zone; yields its HOST:PORT."""
    import base64

    p = base64.b64encode(dkim_key[1]).decode()
    chunks = " ".join(f'"{p[i:i + 200]}"' for i in range(0, len(p), 200))
    zone = f"""
citizen.example.          60 IN TXT "v=spf1 ip4:127.0.0.1 -all"
strict.example.           60 IN TXT "v=spf1 ip4:192.0.2.1 -all"
_dmarc.strict.example.    60 IN TXT "v=DMARC1; p=reject"
signed.example.           60 IN TXT "v=spf1 ?all"
sel._domainkey.signed.example. 60 IN TXT "v=DKIM1; k=rsa; p=" {chunks}
bar.co.uk.                60 IN TXT "v=spf1 ip4:127.0.0.1 -all"
"""
    quiet = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    server = DNSServer(ZoneResolver(zone, glob=False), address="127.0.0.1", port=0, logger=quiet)
    server.start_thread()
    yield f"127.0.0.1:{server.server.server_address[1]}"
    server.stop()


def message(from_header: str, body: str = "Hello.\r\n", head: str = "") -> bytes:
    return (f"{head}From: {from_header}\r\nTo: reply-1-abc@foi.test\r\nSubject: Re: your request\r\n"
            f"Message-ID: <x{abs(hash(from_header + body))}@example>\r\n\r\n{body}").encode()


def signed(dkim_key, raw: bytes, domain: str = "signed.example") -> bytes:
    return dkim.sign(raw, b"sel", domain.encode(), dkim_key[0], include_headers=[b"from", b"subject"]) + raw


def verify(raw: bytes, resolver: str, mail_from: str, ip: str = "127.0.0.1"):
    from processors.trust.verdict import judge

    return judge(raw, source="verify", authserv_id=OURS, dns_resolver=resolver, client_ip=ip,
                 helo="client.example", mail_from=mail_from)


def upstream(raw: bytes):
    from processors.trust.verdict import judge

    return judge(raw, source="upstream", authserv_id=OURS)


def test_verify_spf_pass_aligned_with_from(dns_server):
    judged = verify(message(f"Sam <{CITIZEN}>"), dns_server, CITIZEN)
    assert judged.trust == "pass" and "spf=pass" in judged.evidence


def test_verify_relaxed_alignment_takes_a_subdomain(dns_server):
    assert verify(message("Sam <sam@mail.citizen.example>"), dns_server, CITIZEN).trust == "pass"


def test_verify_alignment_stops_at_the_public_suffix(dns_server):
    # bar.co.uk passes SPF, but foo.co.uk is another organisation: co.uk is a public suffix.
    assert verify(message("Jo <jo@foo.co.uk>"), dns_server, "bounce@bar.co.uk").trust == "unknown"


def test_verify_spf_fail_with_dmarc_reject_is_fail(dns_server):
    judged = verify(message("Jo <jo@strict.example>"), dns_server, "jo@strict.example")
    assert judged.trust == "fail" and "dmarc=fail" in judged.evidence


def test_verify_dkim_pass(dns_server, dkim_key):
    raw = signed(dkim_key, message("Di <di@signed.example>"))
    assert verify(raw, dns_server, "bounces@mailer.example").trust == "pass"


def test_verify_dkim_broken_by_a_changed_body_is_fail(dns_server, dkim_key):
    raw = signed(dkim_key, message("Di <di@signed.example>")).replace(b"Hello.", b"Send me everything.")
    assert verify(raw, dns_server, "bounces@mailer.example").trust == "fail"


def test_verify_a_third_partys_signature_proves_nothing(dns_server, dkim_key):
    raw = signed(dkim_key, message("Vi <vi@nodata.example>"))
    assert verify(raw, dns_server, "vi@nodata.example").trust == "unknown"


RECEIVED = "Received: from client.example (client.example [192.0.2.7]) by mx.foi.test with ESMTPS\r\n"


def test_upstream_believes_our_own_topmost_results():
    head = f"Authentication-Results: {OURS}; dkim=pass header.d=citizen.example\r\n{RECEIVED}"
    judged = upstream(message(f"Sam <{CITIZEN}>", head=head))
    assert judged.trust == "pass" and OURS in judged.evidence


def test_upstream_ignores_a_look_alike_below_our_own_received():
    forged = f"Authentication-Results: {OURS}; dkim=pass header.d=citizen.example; spf=pass smtp.mailfrom={CITIZEN}\r\n"
    assert upstream(message(f"Sam <{CITIZEN}>", head=RECEIVED + forged)).trust == "unknown"


def test_upstream_ignores_other_servers_passes():
    head = f"Authentication-Results: {OURS}; none\r\n{RECEIVED}Authentication-Results: relay.example; dkim=pass " \
           "header.d=citizen.example\r\n"
    assert upstream(message(f"Sam <{CITIZEN}>", head=head)).trust == "unknown"


def test_upstream_a_pass_for_another_domain_is_not_a_pass_for_from():
    head = f"Authentication-Results: {OURS}; spf=pass smtp.mailfrom=bounce@mailer.example\r\n{RECEIVED}"
    assert upstream(message(f"Sam <{CITIZEN}>", head=head)).trust == "unknown"


def test_negative_evidence_counts_whoever_added_it():
    head = f"Authentication-Results: {OURS}; dkim=pass header.d=citizen.example\r\n{RECEIVED}" \
           "Authentication-Results: relay.example; spf=fail smtp.mailfrom=citizen.example\r\n"
    assert upstream(message(f"Sam <{CITIZEN}>", head=head)).trust == "fail"


@pytest.mark.parametrize("from_header", ["", "not an address", "a@x.example, b@y.example"])
def test_a_missing_malformed_or_multiple_from_is_fail(from_header):
    judged = upstream(message(from_header) if from_header else b"Subject: hi\r\n\r\nbody\r\n")
    assert judged.trust == "fail"


@pytest.fixture
def backend():
    return {}


def test_verify_end_to_end_uses_the_sessions_client_and_helo(make_settings, backend, relay, dns_server):
    from tests.harness import LiveService

    service = LiveService(make_settings(relay=relay.address, sender_trust="verify", authserv_id=OURS,
                                        dns_resolver=dns_server)).start()
    try:
        thread = make_thread(service)
        address = service.context.addresses.citizen_facing(thread.id)
        raw = message(f"Sam <{CITIZEN}>", body="Thank you, please also send 2023.\r\n").replace(
            b"reply-1-abc@foi.test", address.encode())
        with service.smtp() as client:
            client.ehlo("laptop.citizen.example")
            client.sendmail(CITIZEN, [address], raw)
        service.wait_idle()
        with Session(service.context.engine) as session:
            inbound = session.exec(select(InboundMessage).order_by(InboundMessage.id.desc())).first()
        assert inbound.helo == "laptop.citizen.example" and inbound.peer == "127.0.0.1"
        assert inbound.sender_trust == "pass" and "spf=pass" in inbound.trust_evidence
        assert inbound.raw == raw  # the evidence is stored beside the message, never written into it
    finally:
        service.stop()
