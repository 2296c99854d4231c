"""What the processors need of the settings, as plain frozen values (built by mailgate/runtime/configs.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessorsConfig:
    database_url: str
    domain: str
    secret: bytes
    home: Path
    site_url: str = "http://127.0.0.1:8000/"
    service_name: str = "mailgate"
    relay: str = ""                      # outbound smarthost HOST:PORT; empty: a Maildir in home
    max_attempts: int = 5
    spam_threshold: float = 5.0
    country: str = "GB"
    response_days: int = 20
    very_overdue_days: int = 40
    authority_only_after_days: int = 183
    closed_after_days: int = 730
    extra_phone_patterns: tuple[str, ...] = ()
    dkim_key: str = ""                   # path of a PEM key; empty: unsigned
    dkim_selector: str = "mailgate"
    sender_trust: str = "none"           # none | upstream | verify (processors/trust/)
    authserv_id: str = ""                # our MTA's Authentication-Results id; the id of our own checks
    dns_resolver: str = ""               # HOST:PORT for verify; empty: the system's
    loop_forwards_per_hour: int = 5      # per thread and direction (processors/loops.py)
    loop_similarity: float = 0.9         # this alike to a recent message from the same side: a loop
    stranger_mails_per_hour: int = 1     # to one address (processors/strangers.py)
    stranger_mails_per_client_per_day: int = 50  # caused by one SMTP client
    report_questionnaire_days: int = 28  # after sending, ask the reporter whether it was fixed
    time_zone: str = "Europe/London"     # the site's: daily digests at 07:00 there, weekly on its Mondays
    digest_items_per_alert: int = 5      # then "and K more" with a link
    unsubscribe_url: str = ""            # the one-click https URL serve's HTTP listener answers; "" = mailto only
    letters_per_sender_per_day: int = 5  # letters delivered from one constituent (processors/letters/rate.py)
    letters_per_representative_per_day: int = 200  # letters delivered to one representative

    @property
    def blob_dir(self) -> Path:
        return self.home / "blobs"

    @property
    def outbox_maildir(self) -> Path:
        return self.home / "outbox"
