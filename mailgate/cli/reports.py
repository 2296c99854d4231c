"""`mailgate report`: problem reports for an operator: list them, show one's history, set its state."""
from __future__ import annotations

import click
from sqlmodel import Session, select

from mailgate.cli.support import context_of, printable


@click.group("report")
def report() -> None:
    """Problem reports (report@): list, show, set a state."""


@report.command("list")
@click.option("--state", default=None, help="only reports in this state (e.g. draft, open, fixed)")
@click.pass_context
def report_list(ctx: click.Context, state: str | None) -> None:
    """Every problem report: id, state, category, title."""
    from store.models import Report, Thread

    context = context_of(ctx)
    with Session(context.engine) as session:
        query = select(Thread, Report).join(Report, Report.thread_id == Thread.id).order_by(Thread.id)
        if state:
            query = query.where(Thread.state == state)
        rows = session.exec(query).all()
    if not rows:
        click.echo("no problem reports" + (f" in state {state}" if state else ""))
    for thread, row in rows:
        click.echo(printable(f"{thread.id:>6} {thread.state:<22} {row.category or '-':<16} {thread.title}"))


@report.command("show")
@click.argument("report_id", type=int)
@click.pass_context
def report_show(ctx: click.Context, report_id: int) -> None:
    """A report's place, category, reporter and every state change with its time and source."""
    from processors.reports.records import history
    from processors.reports.sending import location_text
    from store.models import Report, Thread

    context = context_of(ctx)
    with Session(context.engine) as session:
        thread, row = session.get(Thread, report_id), session.get(Report, report_id)
        if thread is None or row is None:
            raise click.ClickException(f"there is no problem report {report_id} (`mailgate report list` shows them)")
        for label, value in (("title", thread.title), ("state", thread.state), ("category", row.category or "-"),
                             ("place", location_text(row) or "-"), ("from", row.location_source or "-"),
                             ("reporter", f"{row.reporter_name} <{thread.citizen_email}>")):
            click.echo(printable(f"{label:<10}{value}"))
        for change in history(session, report_id):
            click.echo(f"{change.at.isoformat()[:19]}  {change.state:<22} by {change.source}")


@report.command("state")
@click.argument("report_id", type=int)
@click.argument("state")
@click.pass_context
def report_state(ctx: click.Context, report_id: int, state: str) -> None:
    """Set a report's state (e.g. after reading a held draft), recorded as the operator's."""
    from processors.reports.records import ReportError, set_state_by_operator

    context = context_of(ctx)
    with Session(context.engine) as session:
        try:
            thread = set_state_by_operator(session, context, report_id, state)
        except ReportError as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
        click.echo(f"report {report_id} is now {thread.state}")
