"""The processors' context for one command (`mailgate foi new`, `holding-pen assign`, ...).

Wired like the service's: on the migrated store, with a queue. With a shared
broker the queue hands work to the running service's workers; on the embedded
default there is nobody to hand it to, so outbound mail is delivered here and
now, and everything else (retries, inbound) is left in the store for the
running service's sweeper.
"""
from __future__ import annotations

from mailgate.runtime.configs import processors_config
from mailgate.runtime.settings import Settings
from processors.context import Context, build_context, configure, current
from store.migrate import upgrade_to_head
from store.queue import Queue, Work


def _deliver_here_and_now(work: Work, ident: int, delay_ms: int) -> None:
    if work is Work.DELIVER_OUTBOUND and not delay_ms:
        from processors.delivery import deliver_outbound

        deliver_outbound(current(), ident)


def one_off_context(settings: Settings) -> Context:
    upgrade_to_head(settings.sqlalchemy_url)
    if settings.broker_url:
        from processors.broker import make_broker, queue_on

        queue = queue_on(make_broker(settings.broker_url, settings.broker_namespace))
    else:
        queue = Queue(_deliver_here_and_now)
    return configure(build_context(processors_config(settings), queue=queue))
