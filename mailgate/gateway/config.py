"""What a gateway needs of the settings, as plain values (built by mailgate/runtime/configs.py).

A gateway process gets it from `mailgate serve` as one line of JSON instead of
loading the settings machinery (pydantic); `to_dict`/`from_dict` carry it across.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from mailgate.gateway.client_limits import Limits
from mailgate.gateway.data_spool import DEFAULT_THRESHOLD
from store.addresses.routes import ROUTES, RoutePattern


@dataclass(frozen=True)
class GatewayConfig:
    database_url: str  # SQLAlchemy-style, as Settings.sqlalchemy_url gives it
    domain: str
    secret: str
    smtp: str = ""
    lmtp: str = ""
    policy: str = ""  # Postfix's policy service (mailgate/gateway/policy.py)
    max_message_size: int = 25 * 1024 * 1024
    spool_threshold: int = DEFAULT_THRESHOLD  # DATA past this many bytes waits in a temporary file
    tls_cert: str = ""
    tls_key: str = ""
    broker_url: str = ""
    broker_namespace: str = "mailgate"
    # The route table of the thread kinds the runtime runs: the gateway answers RCPT for
    # every address of every kind without importing any of them.
    routes: tuple[RoutePattern, ...] = ROUTES.patterns
    # Per client (mailgate/gateway/client_limits.py); 0 turns one off.
    client_connection_limit: int = Limits.connections
    client_connection_rate_limit: int = Limits.connection_rate
    session_refused_recipient_limit: int = Limits.session_refused
    client_refused_recipient_limit: int = Limits.client_refused
    client_limit_window: float = Limits.window
    idle_timeout: float = 300.0
    # The peers (addresses or networks) that may name the client with XFORWARD over LMTP.
    xforward_hosts: tuple[str, ...] = ("127.0.0.0/8", "::1")

    def limits(self) -> Limits:
        return Limits(connections=self.client_connection_limit, connection_rate=self.client_connection_rate_limit,
                      session_refused=self.session_refused_recipient_limit,
                      client_refused=self.client_refused_recipient_limit, window=self.client_limit_window)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> GatewayConfig:
        values = dict(values)
        values["routes"] = tuple(RoutePattern(**(row | {"mailboxes": tuple(row["mailboxes"])}))
                                 for row in values["routes"])
        values["xforward_hosts"] = tuple(values["xforward_hosts"])
        return cls(**values)
