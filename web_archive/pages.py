"""HTML pages from jinja2 templates (autoescaped): thread, attachment text view, lists, and the site-wide context."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from store.addresses.book import ServiceAddresses
from store.addresses.routes import RouteName
from store.foi_states import AWAITING_CONFIRMATION, WAITING, display_state, due_dates, state_label
from store.public_urls import thread_path
from templates import TEMPLATES_DIR
from templates.words import plural
from web_archive.config import ArchiveConfig
from web_archive.images import PAGE_COPY, published_extension
from web_archive.photos import photo_files
from web_archive.source import AuthorityView, MessageView, ThreadRow, ThreadView

TEMPLATE_DIR = TEMPLATES_DIR / "archive"
MONTHS = ("January February March April May June July August September October November December").split()
# Attachments keep their extension only when a browser will not run them (no .html, .svg, .js ...).
SAFE_EXTENSIONS = frozenset(
    "pdf txt csv doc docx xls xlsx ods odt odp ppt pptx rtf png jpg jpeg gif webp zip eml msg tif tiff".split())
TEXT_EXTENSIONS = frozenset(("txt", "csv"))
# The service addresses pages link to (mailto:), and so the only addresses they may show.
LINKED_ROUTES = (RouteName.NEW_FOI, RouteName.NEW_REPORT, RouteName.SUBSCRIBE)
# Service addresses the pages link to that an operator still answers by hand (processors/routing.py keeps
# their mail for an operator): the about page calls them coming, with what they will do.
HELD_FOR_OPERATOR: tuple[tuple[str, str], ...] = ()  # alerts work by themselves now (processors/alerts/)
MESSAGE_MARKS = {"auto_reply": "Automatic reply", "bounce": "Delivery failure (bounce)",
                 "follow_up": "Follow-up", "note": "Requester's note", "request": "Request", "reply": "Reply",
                 "update": "Update"}


@lru_cache(maxsize=65536)
def human_date(value: str | None) -> str:
    """
    >>> human_date("2026-03-05 10:00:00.000000")
    '5 March 2026'
    """
    if not value:
        return ""
    return f"{int(value[8:10])} {MONTHS[int(value[5:7]) - 1]} {value[:4]}"


@lru_cache(maxsize=65536)
def rfc3339(value: str | None) -> str:
    """
    >>> rfc3339("2026-03-05 10:00:00.123456")
    '2026-03-05T10:00:00Z'
    """
    return f"{value[:10]}T{value[11:19]}Z" if value else ""


def safe_filename(name: str, attachment_id: int, text: bool = False) -> str:
    """A file name that is safe in a URL and on disk, and that no browser will execute; a `text` file (one
    published as its public text) is a .txt unless it is a .csv.

    >>> safe_filename("Minutes 2024.PDF", 1), safe_filename("../evil.html", 2), safe_filename("", 3)
    ('Minutes_2024.PDF', 'evil.html.bin', 'attachment-3.bin')
    >>> safe_filename("evil.html", 4, text=True), safe_filename("data.CSV", 5, text=True)
    ('evil.html.txt', 'data.CSV')
    """
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-")[:100] or f"attachment-{attachment_id}"
    stem, dot, extension = base.rpartition(".")
    allowed = TEXT_EXTENSIONS if text else SAFE_EXTENSIONS
    if not dot or not stem or extension.lower() not in allowed:
        base += ".txt" if text else ".bin"
    return base


def web_link(url: str) -> str | None:
    """An authority's web address, only if it is plain http(s) (never javascript: and friends)."""
    return url if re.fullmatch(r"https?://[^\s\"'<>]+", url or "") else None


def make_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True, auto_reload=False, undefined=StrictUndefined)
    env.filters.update(date=human_date, rfc3339=rfc3339, state=state_label, urlquote=quote, plural=plural)
    return env


class Site:
    """Everything the renderers share for one build: config, authorities, today's date, the templates."""

    def __init__(self, config: ArchiveConfig, authorities: dict[int, AuthorityView], today: date):
        self.config = config
        self.authorities = authorities
        self.by_slug = {a.slug: a for a in authorities.values()}
        self.today = today
        self.env = make_environment()
        self.addresses = ServiceAddresses(config.domain)
        # The only addresses a page may show: where to start a request, report a problem, follow a thread.
        self.allowed = self.addresses.matching(LINKED_ROUTES)
        self.categories: list[str] = []  # of problem reports: Open311's services (report_source.report_categories)
        self._templates = {}
        self._states: dict[tuple, str] = {}

    def template(self, name: str):
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name)
        return self._templates[name]

    def render(self, name: str, root: str, **context) -> str:
        return self.template(name).render(root=root, site=self, **context)

    # -- derived facts -------------------------------------------------------

    def state_of(self, kind: str, state: str, awaiting: bool, sent_at: str | None) -> str:
        key = (kind, state, awaiting, sent_at[:10] if sent_at else None)
        known = self._states.get(key)
        if known is None:
            sent = date.fromisoformat(key[3]) if key[3] else None
            c = self.config
            known = self._states[key] = display_state(kind, state, awaiting, sent, self.today, c.country,
                                                      c.response_days, c.very_overdue_days)
        return known

    def due_of(self, kind: str, sent_at: str | None):
        if kind != "foi" or not sent_at:
            return None, None
        c = self.config
        return due_dates(date.fromisoformat(sent_at[:10]), c.country, c.response_days, c.very_overdue_days)

    def foi_address(self, authority: AuthorityView) -> str:
        return self.addresses.new_request(authority.slug)

    def foi_mailto(self, authority: AuthorityView) -> str:
        return f"mailto:{self.foi_address(authority)}?subject={quote('Freedom of Information request')}"

    def report_mailto(self) -> str:
        return f"mailto:{self.addresses.service(RouteName.NEW_REPORT)}?subject={quote('Problem report')}"

    def follow_mailto(self, thread_id: int) -> str:
        return self.follow("thread", str(thread_id))

    def follow(self, target: str, value: str) -> str:
        """A `mailto:` link to subscribe@ with the subject that follows this (processors/alerts/asking.py)."""
        return f"mailto:{self.addresses.service(RouteName.SUBSCRIBE)}?subject={quote(f'follow {target} {value}')}"

    def permalink(self, relative: str) -> str:
        return self.config.base_url + relative


def published_filename(attachment) -> str:
    """The name an attachment is published under: safe, and for an image ending as the format it is
    re-encoded to (web_archive/images.py), so that a TIFF published as PNG is named so."""
    name = safe_filename(attachment.filename, attachment.id, attachment.text_like)
    extension = None if attachment.text_like else published_extension(attachment.content_type)
    endings = (".jpg", ".jpeg") if extension == "jpg" else (f".{extension}",)
    if extension and not name.lower().endswith(endings):
        name += "." + extension
    return name


def attachment_path(thread_id: int, attachment) -> tuple[str, str]:
    """(folder, file) of an attachment, relative to the output root."""
    folder = f"{thread_path(thread_id)}attachments/{attachment.id}/"
    return folder, folder + published_filename(attachment)


def requester_label(row: ThreadRow) -> str:
    """The requester as the public sees them: the name they gave, else a role (never their address)."""
    return row.citizen_name or ("The reporter" if row.kind == "report" else "The requester")


def sender_label(row: ThreadRow, message: MessageView, authority: AuthorityView | None) -> str:
    """Who a message is from, as a reader needs it: the authority (not the display name of whoever
    answered there, such as "Records"), the requester for what mailgate sent on their behalf and
    their notes, and the mail system for a bounce."""
    if message.direction == "outgoing" or message.kind == "note":  # a note came in, but from the requester
        return requester_label(row)
    if message.kind == "bounce":  # written by a mail server on the way, not by anyone at the authority
        return "Mail delivery system"
    return authority.name if authority else "The authority"


def state_reason(row: ThreadRow, messages: list[MessageView]) -> str | None:
    """Why an FOI request shows "awaiting classification", in words; None when its state needs no
    explaining. A request the requester had classified is reopened by any later human answer."""
    if row.kind != "foi" or not row.awaiting_classification:
        return None
    answers = [m.arrived_at for m in messages if m.direction == "incoming" and m.kind == "reply"]
    when = f" on {human_date(max(answers))}" if answers else ""
    who = requester_label(row) if row.citizen_name else "the requester"
    if row.state in WAITING or row.state == AWAITING_CONFIRMATION:
        return f"A response arrived{when}; {who} has not yet said whether it answers the request."
    return (f"{requester_label(row)} had classified it as {state_label(row.state)}; a new response arrived{when} "
            "after that, so it awaits their classification again.")


# Why a problem report is in its state, by who moved it there (store/report_states.py ChangeSource).
REPORT_REASONS = {"council": "the council said so in its update", "reporter": "the reporter said so",
                  "questionnaire": "the reporter's answer to “has this been fixed?”",
                  "operator": "set by the site's operator", "service": "set by the service"}


def report_state_reason(row: ThreadRow, report, authority: AuthorityView | None) -> str | None:
    """Why a problem report shows its state, from the recorded change that put it there."""
    change = report.why if report is not None else None
    if change is None or change.state != row.state:
        return None
    when = human_date(change.at)
    if row.state == "open" and change.source == "reporter":
        return f"Open since {when}, when it was sent to {authority.name if authority else 'the body responsible'}."
    return f"{state_label(row.state).capitalize()} since {when}: {REPORT_REASONS.get(change.source, change.source)}."


def render_thread(site: Site, view: ThreadView) -> str:
    row = view.row
    state = site.state_of(row.kind, row.state, row.awaiting_classification, row.sent_at)
    # a deadline means something only while the authority still owes an answer
    due, very_due = site.due_of(row.kind, row.sent_at) if row.state in WAITING else (None, None)
    files = {a.id: published_filename(a) for m in view.messages for a in m.attachments}
    authority = site.authorities.get(row.authority_id)
    senders = {m.id: sender_label(row, m, authority) for m in view.messages}
    report = view.report
    reason = report_state_reason(row, report, authority) if row.kind == "report" else state_reason(row, view.messages)
    photos = [photo_files("", p) for p in report.photos] if report else []
    return site.render("thread.html", "../../", thread=row, messages=view.messages, state=state, due=due,
                       very_due=very_due, authority=authority, files=files, marks=MESSAGE_MARKS, senders=senders,
                       state_reason=reason, report=report, photos=photos, shown=set(senders),
                       pictures={a.id for m in view.messages for a in m.attachments
                                 if not a.text_like and published_extension(a.content_type)})


def render_attachment(site: Site, view: ThreadView, message, attachment) -> str:
    extension = None if attachment.text_like else published_extension(attachment.content_type)
    return site.render("attachment.html", "../../../../", thread=view.row, message=message,
                       attachment=attachment, filename=published_filename(attachment),
                       preview=PAGE_COPY + extension if extension and attachment.released else None)
