"""What every actor needs (config, engine, addresses, templates, queue, clock), built once per process.

dramatiq actors are plain functions called by worker threads, so they cannot be
handed arguments beyond ids; the runtime builds one frozen `Context` at start-up,
`configure()`s it, and the actors ask `current()` for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import sqlalchemy as sa

from processors.config import ProcessorsConfig
from processors.kinds import KindRegistry, default_kinds
from store.addresses.book import AddressBook
from store.clock import Clock
from store.db import make_engine
from store.queue import LEFT_FOR_THE_SWEEPER, Queue
from templates import TEMPLATES_DIR
from templates.words import plural


@dataclass(frozen=True)
class Context:
    config: ProcessorsConfig
    engine: sa.Engine
    addresses: AddressBook
    mail_templates: jinja2.Environment
    queue: Queue
    clock: Clock
    kinds: KindRegistry
    dkim_key: bytes | None = None

    def sign(self, raw: bytes) -> bytes:
        """DKIM-sign a composed mail when a key is configured (relaxed/relaxed, rsa-sha256)."""
        if not self.dkim_key:
            return raw
        import dkim  # with dnspython, only for a service that signs

        signature = dkim.sign(raw, self.config.dkim_selector.encode(), self.config.domain.encode(),
                              self.dkim_key, canonicalize=(b"relaxed", b"relaxed"), include_headers=SIGNED_HEADERS)
        return signature.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + raw

    def render_mail(self, template: str, **values: Any) -> str:
        return self.mail_templates.get_template(f"{template}.txt").render(
            service=self.config.service_name, site_url=self.config.site_url.rstrip("/"),
            domain=self.config.domain, response_days=self.config.response_days, **values)


SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"reply-to", b"in-reply-to",
                  b"references", b"auto-submitted", b"mime-version", b"content-type", b"list-id",
                  b"list-unsubscribe", b"list-unsubscribe-post"]
_current: Context | None = None


def mail_environment(kinds: KindRegistry) -> jinja2.Environment:
    """Mail templates: each kind's own folder first, then the shared templates/mail."""
    folders = [str(folder) for folder in kinds.template_folders()] + [str(TEMPLATES_DIR / "mail")]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folders), autoescape=False, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["plural"] = plural
    return env


def build_context(config: ProcessorsConfig, *, queue: Queue = LEFT_FOR_THE_SWEEPER, clock: Clock | None = None,
                  kinds: KindRegistry | None = None, engine: sa.Engine | None = None) -> Context:
    kinds = kinds or default_kinds()
    return Context(config=config, engine=engine or make_engine(config.database_url, durable_commits=False),
                   addresses=AddressBook(domain=config.domain, secret=config.secret, routes=kinds.routes()),
                   mail_templates=mail_environment(kinds), queue=queue, clock=clock or Clock(), kinds=kinds,
                   dkim_key=Path(config.dkim_key).read_bytes() if config.dkim_key else None)


def configure(context: Context) -> Context:
    global _current
    _current = context
    return context


def current() -> Context:
    if _current is None:
        raise RuntimeError("processors.context.configure() was not called before an actor ran")
    return _current
