"""Import flanker without its ply noise and without writing into site-packages.

flanker 0.9.11 builds five ply LALR tables when first imported. ply logs dozens
of "Symbol ... is unreachable" warnings through `logging` (which Python's
last-resort handler prints to stderr) and writes `*_parsetab.py` files next to
flanker's own modules, which fails on a read-only install and dirties it
otherwise. We build the tables in memory (`write_tables=False`) with ply's error
log silenced, once per process, before anything else imports flanker.

Always import flanker as ``from processors.understanding.flanker_quiet import address``.
"""
from __future__ import annotations

import functools
import logging
import sys
import warnings

import ply.yacc


def _import_flanker_quietly() -> None:
    if "flanker.addresslib._parser.parser" in sys.modules:
        return
    original_yacc = ply.yacc.yacc

    # A C-level partial adds no Python frame, so ply still finds the grammar
    # in its caller's module (it inspects the stack two frames up).
    in_memory_yacc = functools.partial(original_yacc, write_tables=False)

    parser_log = logging.getLogger("flanker.addresslib._parser")
    previous_level = parser_log.level
    parser_log.setLevel(logging.CRITICAL)
    ply.yacc.yacc = in_memory_yacc
    try:
        import flanker.addresslib._parser.parser  # noqa: F401  (builds the tables)
    finally:
        ply.yacc.yacc = original_yacc
        parser_log.setLevel(previous_level)


_import_flanker_quietly()
# At run time flanker logs a warning for every address it cannot parse; for mail
# from the wild that is normal input, not an operational problem, and callers
# handle the None it returns.
logging.getLogger("flanker").setLevel(logging.ERROR)

with warnings.catch_warnings():
    # flanker imports webob, which imports `cgi` (deprecated in 3.11+): a warning
    # about those packages, not anything mailgate can act on.
    warnings.simplefilter("ignore", DeprecationWarning)
    from flanker.addresslib import address  # noqa: E402

__all__ = ["address"]
