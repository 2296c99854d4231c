"""Ingest first, as a dramatiq middleware: an actor about to start holds back while a gateway
is acknowledging mail (mailgate/gateway/ingest_activity.py), never longer than AT_MOST."""
from __future__ import annotations

import dramatiq

from mailgate.gateway.ingest_activity import IngestActivity


class IngestFirst(dramatiq.Middleware):
    def __init__(self, activity: IngestActivity):
        self.activity = activity

    def before_process_message(self, broker: dramatiq.Broker, message: dramatiq.Message) -> None:
        self.activity.wait_for_quiet()
