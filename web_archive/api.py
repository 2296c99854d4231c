"""Machine-readable output: a JSON file per thread, the index of all threads, and Open311 GeoReport v2."""
from __future__ import annotations

import json
import re

from store.foi_states import state_label
from store.public_urls import thread_path
from web_archive.pages import Site, attachment_path, report_state_reason, rfc3339
from web_archive.photos import photo_files
from web_archive.source import ThreadView
from web_archive.stats import CLOSED_REPORT_STATES
from web_archive.summary import Summary

# Where sending.py's public record of a report turns from the reporter's words to the fields it adds.
SENT_FIELDS = "\n\nCategory: "


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def thread_json(site: Site, view: ThreadView) -> str:
    row = view.row
    authority = site.authorities.get(row.authority_id)
    due, very_due = site.due_of(row.kind, row.sent_at)
    messages = []
    for m in view.messages:
        attachments = []
        for a in m.attachments:
            folder, file = attachment_path(row.id, a)
            attachments.append({"filename": a.filename, "content_type": a.content_type, "size": a.size,
                                "released": a.released, "url": file if a.released else None,
                                "text_url": folder if a.released else None})
        messages.append({"id": m.id, "direction": m.direction, "kind": m.kind, "from": m.from_name,
                         "date": rfc3339(m.arrived_at),
                         "sender_date": rfc3339(m.sender_date) if m.sender_date else None, "subject": m.subject, "body": m.body,
                         "quoted": m.quoted, "attachments": attachments})
    return _dump({
        "id": row.id, "kind": row.kind, "title": row.title,
        "state": site.state_of(row.kind, row.state, row.awaiting_classification, row.sent_at),
        "stored_state": row.state, "url": thread_path(row.id), "permalink": site.permalink(thread_path(row.id)),
        "authority": {"slug": authority.slug, "name": authority.name} if authority else None,
        "requester": row.citizen_name, "created_at": rfc3339(row.created_at), "sent_at": rfc3339(row.sent_at),
        "due": due.isoformat() if due else None, "very_overdue_after": very_due.isoformat() if very_due else None,
        "report": _report_json(site, view), "messages": messages})


def _report_json(site: Site, view: ThreadView) -> dict | None:
    report = view.report
    if report is None:
        return None
    return {"category": report.category, "lat": report.lat, "long": report.lon, "postcode": report.postcode or None,
            "map": report.map_link,
            "photos": [site.permalink(photo_files(thread_path(view.row.id), p)[0]) for p in report.photos],
            "history": [{"state": c.state, "source": c.source, "at": rfc3339(c.at)} for c in report.changes]}


def index_entry(site: Site, row, state: str) -> dict:
    """One thread in api/threads.json; `url` and `json` are relative to the site root."""
    authority = site.authorities.get(row.authority_id)
    url = thread_path(row.id)
    return {"id": row.id, "kind": row.kind, "title": row.title, "state": state,
            "authority": authority.slug if authority else None, "url": url, "json": url + "thread.json",
            "created_at": rfc3339(row.created_at), "last_activity_at": rfc3339(row.last_activity_at)}


def threads_index(site: Site, summaries: list[Summary]) -> str:
    """api/threads.json: every public thread, by id."""
    return (f'{{"generated_by":{_dump(site.config.service_name)},"count":{len(summaries)},"threads":['
            + ",".join(s.index_json for s in summaries) + "]}")


def service_code(category: str) -> str:
    """A category's Open311 service code: its words in lower case joined by hyphens.

    >>> service_code("Street lights"), service_code("Fly-tipping & litter"), service_code("")
    ('street-lights', 'fly-tipping-litter', 'report')
    """
    return re.sub(r"[^a-z0-9]+", "-", category.lower()).strip("-") or "report"


def open311_services(site: Site) -> str:
    """GeoReport v2 service list: one service per category a body takes (or a published report has)."""
    return _dump([{"service_code": service_code(category), "service_name": category,
                   "description": f"A problem report in the category {category}, sent by email to the body "
                                  "responsible for the place.",
                   "metadata": False, "type": "realtime", "keywords": category.lower(), "group": "reports"}
                  for category in site.categories])


def report_description(view: ThreadView) -> str:
    """The report's own words: the public text of what was sent, without the category, place and map lines
    processors/reports/sending.py adds after a blank line (those are fields of their own here)."""
    sent = next((m for m in view.messages if m.direction == "outgoing" and m.kind == "request"), None)
    if sent is None:
        return ""
    return sent.body.split(SENT_FIELDS, 1)[0].strip()


def open311_entry(site: Site, view: ThreadView) -> dict | None:
    """A problem report as a GeoReport v2 service request; lat and long are null when the place is not public
    coordinates (never 0), media_url is its first photo (re-encoded) or null."""
    row, report = view.row, view.report
    if row.kind != "report":
        return None
    authority = site.authorities.get(row.authority_id)
    category = report.category if report else ""
    photo = photo_files(thread_path(row.id), report.photos[0])[0] if report and report.photos else None
    notes = report_state_reason(row, report, authority) or state_label(row.state)
    return {"service_request_id": str(row.id),
            "status": "closed" if row.state in CLOSED_REPORT_STATES else "open",
            "status_notes": notes, "service_name": category or "Problem report",
            "service_code": service_code(category), "description": report_description(view) or row.title,
            "agency_responsible": authority.name if authority else "", "service_notice": "",
            "requested_datetime": rfc3339(row.sent_at or row.created_at),
            "updated_datetime": rfc3339(row.last_activity_at),
            "address": report.postcode or None if report else None,
            "zipcode": report.postcode or None if report else None,
            "lat": report.lat if report else None, "long": report.lon if report else None,
            "media_url": site.permalink(photo) if photo else None}


def open311_requests(summaries: list[Summary]) -> str:
    """GeoReport v2 requests.json (read-only), every public problem report."""
    return "[" + ",".join(s.open311_json for s in summaries if s.open311_json) + "]"
