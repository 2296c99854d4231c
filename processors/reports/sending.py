"""A confirmed report goes to every body covering its place that takes its category, each body's mail
from an address of its own for this report, in the reporter's name (never their address), with its
photos."""
from __future__ import annotations

from urllib.parse import quote_plus

from sqlmodel import Session, select

from processors.context import Context
from processors.mail_out import MailSpec, queue_mail
from processors.places.lookup import responsible_for
from processors.public_view import Redactor, fill_public_fields
from processors.reports.drafting import place_of
from processors.reports.records import change_state, photos_of
from store.models import Report, ReportRecipient, Thread, ThreadCounterpart, ThreadMessage
from store.public_urls import public_url, thread_path
from store.report_states import ChangeSource, ReportState

REPORT_ROUTE = "report_body"  # report-ID-TOKEN@: one body's address for one report (processors/reports/kind.py)


def report_address(context: Context, recipient_id: int) -> str:
    """The address one body answers one report at; ID is the report_recipient row's."""
    return context.addresses.address(REPORT_ROUTE, recipient_id)


def recipient_of(session: Session, thread_id: int, counterpart_id: int) -> ReportRecipient:
    row = session.exec(select(ReportRecipient).where(ReportRecipient.thread_id == thread_id,
                                                     ReportRecipient.counterpart_id == counterpart_id)).first()
    if row is None:
        row = ReportRecipient(thread_id=thread_id, counterpart_id=counterpart_id)
        session.add(row)
        session.flush()  # its id names the address
    return row


def osm_link(report: Report) -> str:
    """A map link for coordinates, a search link for a postcode.

    >>> osm_link(Report(thread_id=1, lat=52.05, lon=-1.95))
    'https://www.openstreetmap.org/?mlat=52.05000&mlon=-1.95000#map=18/52.05000/-1.95000'
    >>> osm_link(Report(thread_id=1, postcode="CB1 5RE"))
    'https://www.openstreetmap.org/search?query=CB1+5RE'
    """
    if report.lat is not None and report.lon is not None:
        lat, lon = f"{report.lat:.5f}", f"{report.lon:.5f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
    return f"https://www.openstreetmap.org/search?query={quote_plus(report.postcode)}"


def location_text(report: Report) -> str:
    parts = []
    if report.lat is not None and report.lon is not None:
        parts.append(f"{report.lat:.5f},{report.lon:.5f}")
    if report.postcode:
        parts.append(f"postcode {report.postcode}")
    return ", ".join(parts)


def send_report(session: Session, context: Context, thread: Thread, report: Report) -> None:
    place = place_of(session, report)
    takers = responsible_for(session, place, report.category)
    now = context.clock.now()
    thread.public, thread.confirmed_at, thread.sent_at = True, now, now
    change_state(session, context, thread, ReportState.OPEN, ChangeSource.REPORTER)
    thread.counterpart_id = takers[0].body.id if takers else thread.counterpart_id
    for further in takers[1:]:
        if session.get(ThreadCounterpart, (thread.id, further.body.id)) is None:
            session.add(ThreadCounterpart(thread_id=thread.id, counterpart_id=further.body.id))
    url = public_url(context.config.site_url, thread_path(thread.id))
    values = {"thread": thread, "report": report, "location": location_text(report), "map": osm_link(report),
              "url": url, "reporter": report.reporter_name or "A resident"}
    photos = photos_of(session, context, thread.id)
    first = None
    for taker in takers:
        address = report_address(context, recipient_of(session, thread.id, taker.body.id).id)
        for email in taker.emails:
            outbox = queue_mail(session, context, MailSpec(
                dedupe_key=f"report:{thread.id}:{taker.body.id}:{email.lower()}", kind="report_to_body", to=email,
                thread_id=thread.id, from_address=address, from_name=report.reporter_name or "A resident",
                written_by_a_person=True, values=values | {"body": taker.body}, attachments=photos))
            first = first or outbox
    if first is not None:
        # The public record of what was sent: the report's words, category and place; no photos
        # (the originals carry EXIF; published copies are a later slice), no reporter.
        message = ThreadMessage(thread_id=thread.id, outbox_id=first.id, direction="outgoing", kind="request",
                                from_name="The reporter", subject=first.subject,
                                body_text=f"{thread.body}\n\nCategory: {report.category}\n"
                                          f"Location: {location_text(report)}\nMap: {osm_link(report)}",
                                message_id_header=first.message_id_header, arrived_at=first.created_at,
                                sent_at=first.created_at)
        fill_public_fields(message, Redactor(session, context, thread))
        session.add(message)
    queue_mail(session, context, MailSpec(
        dedupe_key=f"report-sent:{thread.id}", kind="report_sent", to=thread.citizen_email, thread_id=thread.id,
        from_address=context.addresses.citizen_facing(thread.id), from_name=context.config.service_name,
        values=values | {"bodies": [t.body.name for t in takers]}))
