"""What every actor needs (settings, engine, addresses, templates), built once per process.

dramatiq actors are plain functions called by worker threads, so they cannot be
handed arguments beyond message ids; `configure(settings)` is called explicitly
at start-up by `serve`/`worker`/tests and `current()` gives the result back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jinja2
import sqlalchemy as sa

from store.addresses.book import AddressBook
from mailgate.runtime.settings import Settings
from store.db import make_engine
from templates import TEMPLATES_DIR


@dataclass
class Context:
    settings: Settings
    engine: sa.Engine
    addresses: AddressBook
    mail_templates: jinja2.Environment
    enqueue: Callable[..., None] = field(default=lambda actor_name, *args, delay_ms=0: None)
    # Messages waiting in this process's queue (the in-process broker); 0 with Redis,
    # whose queue lives elsewhere.
    queued: Callable[[], int] = field(default=lambda: 0)
    dkim_key: bytes | None = None
    # Called by each actor before it starts; `serve` makes it wait while the gateways are
    # busy acknowledging mail (mailgate/gateway/ingest_activity.py). Elsewhere it returns at once.
    before_work: Callable[[], object] = field(default=lambda: None)

    def sign(self, raw: bytes) -> bytes:
        """DKIM-sign a composed mail when a key is configured (relaxed/relaxed, rsa-sha256)."""
        if not self.dkim_key:
            return raw
        import dkim  # with dnspython, only for a service that signs

        signature = dkim.sign(raw, self.settings.dkim_selector.encode(), self.settings.domain.encode(),
                              self.dkim_key, canonicalize=(b"relaxed", b"relaxed"), include_headers=SIGNED_HEADERS)
        return signature.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + raw

    def render_mail(self, template: str, **values: Any) -> str:
        return self.mail_templates.get_template(f"{template}.txt").render(
            service=self.settings.service_name, site_url=self.settings.site_url.rstrip("/"),
            domain=self.settings.domain, **values)


SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"reply-to", b"in-reply-to",
                  b"references", b"auto-submitted", b"mime-version", b"content-type"]
_current: Context | None = None


def build_context(settings: Settings, engine: sa.Engine | None = None) -> Context:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "mail")),
                                     autoescape=False, keep_trailing_newline=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return Context(settings=settings, engine=engine or make_engine(settings.sqlalchemy_url, durable_commits=False),
                   addresses=AddressBook(settings.secret_bytes, settings.domain), mail_templates=environment,
                   dkim_key=Path(settings.dkim_key).read_bytes() if settings.dkim_key else None)


def configure(context: Context) -> Context:
    global _current
    _current = context
    return context


def current() -> Context:
    if _current is None:
        raise RuntimeError("processors.context.configure() was not called before an actor ran")
    return _current
