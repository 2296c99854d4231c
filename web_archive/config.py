"""What the archive needs to know about the site, taken from the one Settings object (or given directly)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ArchiveConfig:
    """The few settings the renderer uses; `from_settings` reads them from `mailgate.runtime.settings.Settings`."""

    database_url: str
    blob_dir: Path
    domain: str = "mailgate.localhost"
    site_url: str = "http://127.0.0.1:8000/"
    service_name: str = "mailgate"
    country: str = "GB"
    response_days: int = 20
    very_overdue_days: int = 40
    latest: int = field(default=50)  # items on the home page and in the site-wide feeds

    @classmethod
    def from_settings(cls, settings) -> ArchiveConfig:
        return cls(database_url=settings.sqlalchemy_url, blob_dir=Path(settings.blob_dir),
                   domain=settings.domain, site_url=settings.site_url, service_name=settings.service_name,
                   country=settings.country, response_days=settings.response_days,
                   very_overdue_days=settings.very_overdue_days)

    @property
    def base_url(self) -> str:
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"

    def fingerprint(self) -> str:
        """Settings that change every page: when they change, the next build is a full one."""
        return "|".join(str(v) for v in (self.domain, self.base_url, self.service_name, self.country,
                                          self.response_days, self.very_overdue_days, self.latest))
