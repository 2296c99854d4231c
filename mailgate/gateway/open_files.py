"""A gateway may hold as many connections as the system lets it: the open-file limit raised to its hard limit.

Distributions start processes with a soft limit of 1,024 open files, each connection
one of them; one client holding ~1,010 idle connections once locked everyone out.
The per-client limits (mailgate/gateway/client_limits.py) keep one client to its
share; this makes the whole far larger than any one client's.
"""
from __future__ import annotations

import logging
import resource

log = logging.getLogger(__name__)

_done = False  # once per process, however many gateways a test or serve starts in it


def raise_open_file_limit() -> None:
    """Raise the soft RLIMIT_NOFILE to the hard one, and say so once."""
    global _done
    if _done:
        return
    _done = True
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == hard:
        log.info("open-file limit is %d, its most", soft)
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError) as exc:  # an unlimited hard limit some kernels refuse as a soft one
        log.warning("open-file limit stays at %d: cannot raise it to %d: %s", soft, hard, exc)
        return
    log.info("open-file limit raised from %d to %d", soft, hard)
