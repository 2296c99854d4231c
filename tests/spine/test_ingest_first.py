"""Ingest first: actors hold back while another process is acknowledging mail, but never for long."""
from __future__ import annotations

import os
import time

from mailgate.gateway.ingest_activity import IngestActivity


def test_actors_wait_while_a_gateway_process_is_busy_and_never_longer_than_the_cap():
    activity = IngestActivity()
    assert activity.wait_for_quiet() < 0.05  # nobody has committed: no waiting at all
    pid = os.fork()
    if pid == 0:  # a gateway child committing every 5 ms for 0.6 s
        end = time.monotonic() + 0.6
        while time.monotonic() < end:
            activity.touch()
            time.sleep(0.005)
        os._exit(0)
    try:
        time.sleep(0.05)
        capped = activity.wait_for_quiet(quiet=0.02, at_most=0.2)
        assert capped >= 0.2  # still busy: waited the whole cap, then goes ahead anyway
        until_quiet = activity.wait_for_quiet(quiet=0.02, at_most=5.0)
        assert until_quiet < 5.0  # the burst ended: goes ahead once it has been quiet for a moment
    finally:
        os.waitpid(pid, 0)
