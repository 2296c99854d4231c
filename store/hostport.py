"""``HOST:PORT`` as MAILGATE_SMTP, MAILGATE_LMTP and MAILGATE_RELAY spell it, and URLs with their password
hidden (no imports: the gateways use it)."""
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


def masked_url(url: str) -> str:
    """The URL with its password hidden, for messages and `mailgate config`.

    >>> masked_url("postgresql://mg:pa55@db.example/mailgate"), masked_url("redis://127.0.0.1:6379/0")
    ('postgresql://mg:********@db.example/mailgate', 'redis://127.0.0.1:6379/0')
    >>> masked_url("postgresql://postgres@127.0.0.1/test")
    'postgresql://postgres@127.0.0.1/test'
    """
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    if ":" not in credentials:  # a user name only: nothing to hide, and no made-up password to show
        return url
    return f"{scheme}://{credentials.split(':')[0]}:********@{host}"
