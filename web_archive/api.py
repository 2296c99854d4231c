"""Machine-readable output: a JSON file per thread, the index of all threads, and Open311 GeoReport v2."""
from __future__ import annotations

import json

from store.public_urls import thread_path
from web_archive.pages import Site, attachment_path, rfc3339
from web_archive.source import ThreadView
from web_archive.summary import Summary

CLOSED_REPORT_STATES = ("fixed", "closed", "duplicate", "not_responsible", "unable_to_fix", "hidden")


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
        "messages": messages})


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


def open311_services(site: Site) -> str:
    """GeoReport v2 service list: reports arrive by email, so there is one service, "problem report"."""
    return _dump([{"service_code": "report", "service_name": "Problem report",
                   "description": "A problem reported by email and passed to the body responsible.",
                   "metadata": False, "type": "realtime", "keywords": "problem,report", "group": "reports"}])


def open311_entry(site: Site, row) -> dict | None:
    """A problem report as a GeoReport v2 service request (there is no location data: no lat/long)."""
    if row.kind != "report":
        return None
    authority = site.authorities.get(row.authority_id)
    return {"service_request_id": str(row.id),
            "status": "closed" if row.state in CLOSED_REPORT_STATES else "open",
            "status_notes": row.state.replace("_", " "), "service_name": "Problem report",
            "service_code": "report", "description": row.title,
            "agency_responsible": authority.name if authority else "", "service_notice": "",
            "requested_datetime": rfc3339(row.created_at), "updated_datetime": rfc3339(row.last_activity_at),
            "media_url": site.permalink(thread_path(row.id))}


def open311_requests(summaries: list[Summary]) -> str:
    """GeoReport v2 requests.json (read-only), every public problem report."""
    return "[" + ",".join(s.open311_json for s in summaries if s.open311_json) + "]"
