"""What every actor needs (settings, engine, addresses, templates), built once per process.

dramatiq actors are plain functions called by worker threads, so they cannot be
handed arguments beyond message ids; `configure(settings)` is called explicitly
at start-up by `serve`/`worker`/tests and `current()` gives the result back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import jinja2
import sqlalchemy as sa

from mailgate.addresses import AddressBook
from mailgate.settings import Settings
from store.db import make_engine
from templates import TEMPLATES_DIR


@dataclass
class Context:
    settings: Settings
    engine: sa.Engine
    addresses: AddressBook
    mail_templates: jinja2.Environment
    enqueue: Callable[..., None] = field(default=lambda actor_name, *args, delay_ms=0: None)

    def render_mail(self, template: str, **values: Any) -> str:
        return self.mail_templates.get_template(f"{template}.txt").render(
            service=self.settings.service_name, site_url=self.settings.site_url.rstrip("/"),
            domain=self.settings.domain, **values)


_current: Context | None = None


def build_context(settings: Settings, engine: sa.Engine | None = None) -> Context:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "mail")),
                                     autoescape=False, keep_trailing_newline=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return Context(settings=settings, engine=engine or make_engine(settings.sqlalchemy_url, durable_commits=False),
                   addresses=AddressBook(settings.secret_bytes, settings.domain), mail_templates=environment)


def configure(context: Context) -> Context:
    global _current
    _current = context
    return context


def current() -> Context:
    if _current is None:
        raise RuntimeError("processors.context.configure() was not called before an actor ran")
    return _current
