"""Postfix's XFORWARD (www.postfix.org/XFORWARD_README.html): the MTA in front names the real client.

Behind Postfix every LMTP session comes from Postfix itself; XFORWARD tells us the
client Postfix was talking to, so that the per-client limits count that client and
the store keeps its address and HELO. Only peers in MAILGATE_XFORWARD_HOSTS may
send it: anyone else could forge another's address into the audit trail.
"""
from __future__ import annotations

import ipaddress
import re

ATTRIBUTES = ("NAME", "ADDR", "PROTO", "HELO", "SOURCE")
ANNOUNCEMENT = "XFORWARD " + " ".join(ATTRIBUTES)
UNAVAILABLE = "[UNAVAILABLE]"
_XTEXT = re.compile(r"\+([0-9A-F]{2})")
# README note 1: at most 255 characters; after decoding no controls, spaces or header specials.
_VALUE = re.compile(r"[!-~]{1,255}")
_SPECIALS = set('()<>@,;:\\"[]')

Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


class XforwardError(ValueError):
    """The reply (501) names what is wrong."""


def parse(arg: str) -> dict[str, str | None]:
    """The attributes of one XFORWARD command; None for [UNAVAILABLE] (any case, README note 3).

    >>> parse("NAME=spike.porcupine.org ADDR=IPV6:2001:db8::1 helo=a+2Eb PROTO=[unavailable]")
    {'NAME': 'spike.porcupine.org', 'ADDR': '2001:db8::1', 'HELO': 'a.b', 'PROTO': None}
    >>> parse("COLOUR=blue")
    Traceback (most recent call last):
    ...
    mailgate.gateway.xforward.XforwardError: 501 5.5.4 Bad XFORWARD attribute name: COLOUR
    """
    if not arg:
        raise XforwardError("501 5.5.4 Syntax: XFORWARD attribute=value ...")
    attributes: dict[str, str | None] = {}
    for item in arg.split():
        name, equals, value = item.partition("=")
        name = name.upper()
        if name not in ATTRIBUTES or not equals:
            raise XforwardError(f"501 5.5.4 Bad XFORWARD attribute name: {name[:40]}")
        if value.upper() == UNAVAILABLE:
            attributes[name] = None
            continue
        decoded = _XTEXT.sub(lambda hex_digits: chr(int(hex_digits.group(1), 16)), value)
        if not _VALUE.fullmatch(decoded) or (name != "ADDR" and _SPECIALS & set(decoded)):
            raise XforwardError(f"501 5.5.4 Bad XFORWARD attribute value for {name}")
        if name == "ADDR" and decoded.upper().startswith("IPV6:"):
            decoded = decoded[5:]
        attributes[name] = decoded
    return attributes


def networks(hosts: tuple[str, ...]) -> Networks:
    """MAILGATE_XFORWARD_HOSTS as networks (a bare address is a network of one).

    >>> [str(n) for n in networks(("127.0.0.0/8", "::1"))]
    ['127.0.0.0/8', '::1/128']
    """
    return tuple(ipaddress.ip_network(host, strict=False) for host in hosts)


def trusted(peer: str, allowed: Networks) -> bool:
    """Whether `peer` may send XFORWARD.

    >>> allowed = networks(("127.0.0.0/8", "::1"))
    >>> trusted("127.0.0.1", allowed), trusted("::ffff:127.0.0.1", allowed), trusted("192.0.2.1", allowed)
    (True, True, False)
    """
    try:
        ip = ipaddress.ip_address(peer)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in allowed)
