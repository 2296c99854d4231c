"""Shared pieces of the CLI: the settings and processor context of one invocation."""
from __future__ import annotations

import click

from mailgate.runtime.settings import Settings
from processors.context import Context


def printable(text: object) -> str:
    r"""Text from strangers, safe for an operator's terminal: control characters (escape codes
    that would clear the screen or retitle the window) shown as visible escapes.

    >>> print(printable("Re: \x1b[2Jhi"))
    Re: \x1b[2Jhi
    """
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in str(text))


def settings_of(ctx: click.Context) -> Settings:
    return ctx.find_root().obj()


def context_of(ctx: click.Context) -> Context:
    """The processors' context for this command (mailgate/runtime/one_off.py)."""
    from mailgate.runtime.one_off import one_off_context

    return one_off_context(settings_of(ctx))
