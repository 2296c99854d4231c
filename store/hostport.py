"""``HOST:PORT`` as MAILGATE_SMTP, MAILGATE_LMTP and MAILGATE_RELAY spell it (no imports: the gateways use it)."""
from __future__ import annotations


def parse_host_port(value: str, variable: str) -> tuple[str, int]:
    """Split ``host:port`` and check the port.

    >>> parse_host_port("127.0.0.1:2525", "MAILGATE_SMTP")
    ('127.0.0.1', 2525)
    >>> parse_host_port("[::1]:25", "MAILGATE_SMTP")
    ('::1', 25)
    """
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{variable} must be HOST:PORT (e.g. 127.0.0.1:2525), got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)
