"""Shared pieces of the CLI: the settings, the store and the processor context of one invocation."""
from __future__ import annotations

from collections.abc import Callable

import click
from sqlmodel import Session

from mailgate.runtime.settings import Settings, SettingsError, prepare_home
from processors.context import Context
from store.hostport import masked_url


def printable(text: object) -> str:
    r"""Text from strangers, safe for an operator's terminal: control characters (escape codes
    that would clear the screen or retitle the window) shown as visible escapes.

    >>> print(printable("Re: \x1b[2Jhi"))
    Re: \x1b[2Jhi
    """
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in str(text))


def settings_of(ctx: click.Context) -> Settings:
    """The settings, for a command that does not open the store (`config`, `routes`)."""
    return ctx.find_root().obj()


def store_settings_of(ctx: click.Context, *, create: bool = False) -> Settings:
    """The settings of a command that opens the store: it names the store on stderr, and stops
    with where it looked when there is none, unless it may create one (`serve`, `db upgrade`)."""
    from store.presence import why_no_store

    settings = settings_of(ctx)
    store = masked_url(settings.store_url)
    click.echo(f"mailgate: store {store} ({settings.home_found.describe()})", err=True)
    if not create:
        missing = why_no_store(settings.sqlalchemy_url)
        if missing:
            looked = settings.home_found.looked_in
            raise click.ClickException(
                f"no store at {store}: {missing}" + (f" ({looked})" if looked else "") + ". Run this inside "
                "your mailgate folder (where `make run` was started), set MAILGATE_HOME or MAILGATE_DATABASE_URL, "
                "or create a store here with `mailgate db upgrade`.")
    try:
        prepare_home(settings)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    return settings


def context_of(ctx: click.Context) -> Context:
    """The processors' context for this command (mailgate/runtime/one_off.py), on the store that exists."""
    from mailgate.runtime.one_off import one_off_context

    return one_off_context(store_settings_of(ctx))


def act_and_send(ctx: click.Context, act: Callable[[Session, Context], str], refused: type[Exception]) -> None:
    """Run an operator's action in one transaction, send the mail it queued, and print what it did;
    `refused` is the action's own error, which names what to fix, so it is shown without a traceback."""
    from processors.mail_out import commit_and_send

    context = context_of(ctx)
    try:
        with Session(context.engine, expire_on_commit=False) as session:
            note = act(session, context)
            commit_and_send(session, context)
    except refused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(note)
