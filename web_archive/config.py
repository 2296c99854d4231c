"""What the archive needs to know about the site."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ArchiveConfig:
    """The few settings the renderer uses (built from the settings by mailgate/runtime/configs.py)."""

    database_url: str
    blob_dir: Path
    domain: str = "mailgate.localhost"
    site_url: str = "http://127.0.0.1:8000/"
    service_name: str = "mailgate"
    country: str = "GB"
    response_days: int = 20
    very_overdue_days: int = 40
    latest: int = field(default=50)  # items on the home page and in the site-wide feeds

    @property
    def base_url(self) -> str:
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"

    def fingerprint(self) -> str:
        """Settings that change every page: when they change, the next build is a full one."""
        return "|".join(str(v) for v in (self.domain, self.base_url, self.service_name, self.country,
                                          self.response_days, self.very_overdue_days, self.latest))
