"""Shared pieces of the CLI: the settings and processor context of one invocation."""
from __future__ import annotations

import click

from mailgate.runtime.settings import Settings


def settings_of(ctx: click.Context) -> Settings:
    return ctx.find_root().obj()


def context_of(ctx: click.Context, *, with_broker: bool = False):
    """Processor context on a migrated store; with_broker to enqueue work for a running service."""
    from processors.broker import install_broker
    from processors.context import build_context, configure
    from store.migrate import upgrade

    settings = settings_of(ctx)
    upgrade(settings.sqlalchemy_url)
    context = configure(build_context(settings))
    if with_broker and settings.broker_url:
        install_broker(context)
    return context


def deliver_now(context, outbox_ids: list[int]) -> None:
    """Hand new outbound mail to the running service's queue, or deliver it here and now
    when there is no shared broker (the embedded default)."""
    if context.settings.broker_url:
        for outbox_id in outbox_ids:
            context.enqueue("deliver_outbound", outbox_id)
        return
    from processors.delivery import deliver_outbound

    for outbox_id in outbox_ids:
        deliver_outbound(context, outbox_id)
