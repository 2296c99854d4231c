"""The one place where the settings become each layer's plain config object.

The gateway, the processors and the archive never see `Settings` (pydantic, the
environment, files): each gets a frozen dataclass of its own from here.
"""
from __future__ import annotations

import socket
from pathlib import Path

from mailgate.gateway.config import GatewayConfig
from mailgate.gateway.server import address_of
from mailgate.runtime.settings import Settings
from processors.config import ProcessorsConfig
from store.addresses.routes import RouteTable
from web_archive.config import ArchiveConfig


def gateway_config(settings: Settings, sockets: dict[str, socket.socket], routes: RouteTable) -> GatewayConfig:
    """With the listening addresses as bound (port 0 resolved) and the route table of the kinds that run."""
    return GatewayConfig(database_url=settings.sqlalchemy_url, domain=settings.domain,
                         secret=settings.secret.get_secret_value(), smtp=address_of(sockets["smtp"]),
                         lmtp=address_of(sockets["lmtp"]) if "lmtp" in sockets else "",
                         policy=address_of(sockets["policy"]) if "policy" in sockets else "",
                         max_message_size=settings.max_message_size,
                         spool_threshold=settings.spool_threshold, tls_cert=settings.tls_cert,
                         tls_key=settings.tls_key, broker_url=settings.broker_url,
                         broker_namespace=settings.broker_namespace, routes=routes.patterns,
                         client_connection_limit=settings.client_connection_limit,
                         client_connection_rate_limit=settings.client_connection_rate_limit,
                         session_refused_recipient_limit=settings.session_refused_recipient_limit,
                         client_refused_recipient_limit=settings.client_refused_recipient_limit,
                         client_limit_window=settings.client_limit_window, idle_timeout=settings.idle_timeout,
                         xforward_hosts=settings.xforward_networks)


def processors_config(settings: Settings) -> ProcessorsConfig:
    return ProcessorsConfig(
        database_url=settings.sqlalchemy_url, domain=settings.domain, secret=settings.secret_bytes,
        home=Path(settings.home), site_url=settings.site_url, service_name=settings.service_name,
        relay=settings.relay, max_attempts=settings.max_attempts, spam_threshold=settings.spam_threshold,
        country=settings.country, response_days=settings.response_days,
        very_overdue_days=settings.very_overdue_days, authority_only_after_days=settings.authority_only_after_days,
        closed_after_days=settings.closed_after_days, extra_phone_patterns=tuple(settings.extra_phone_patterns),
        dkim_key=settings.dkim_key, dkim_selector=settings.dkim_selector, sender_trust=settings.sender_trust,
        authserv_id=settings.authserv_id or settings.domain, dns_resolver=settings.dns_resolver,
        loop_forwards_per_hour=settings.loop_forwards_per_hour, loop_similarity=settings.loop_similarity,
        stranger_mails_per_hour=settings.stranger_mails_per_hour,
        stranger_mails_per_client_per_day=settings.stranger_mails_per_client_per_day,
        report_questionnaire_days=settings.report_questionnaire_days, time_zone=settings.time_zone,
        digest_items_per_alert=settings.digest_items_per_alert, unsubscribe_url=_unsubscribe_url(settings),
        letters_per_sender_per_day=settings.letters_per_sender_per_day,
        letters_per_representative_per_day=settings.letters_per_representative_per_day)


def _unsubscribe_url(settings: Settings) -> str:
    """RFC 8058 one-click needs https: given when serve's HTTP listener is on and the public URL the
    operator configured for it (behind their TLS proxy) is https."""
    if settings.http and settings.site_url.startswith("https://"):
        return settings.site_url.rstrip("/") + "/unsubscribe"
    return ""


def archive_config(settings: Settings) -> ArchiveConfig:
    return ArchiveConfig(database_url=settings.sqlalchemy_url, blob_dir=processors_config(settings).blob_dir,
                         domain=settings.domain, site_url=settings.site_url, service_name=settings.service_name,
                         country=settings.country, response_days=settings.response_days,
                         very_overdue_days=settings.very_overdue_days)
