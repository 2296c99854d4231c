"""The tables: raw inbound mail, threads and their messages, outbox, holding pen, authorities.

States are plain strings (store/states.py) so that SQL, JSON and the CLI all
show the same words.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

import store.clock
from store.states import ChallengeState, InboundState, OutboxState, WhoMayPost
from store.utc_datetime import UTCDateTime as UTCDateTime  # re-exported: the migrations name store.models.UTCDateTime


def _json_column(**kw: Any) -> sa.Column[Any]:
    return sa.Column(sa.JSON, nullable=False, **kw)


def _when(nullable: bool = False, index: bool = False, default: datetime | None = None) -> Any:  # Field() is Any
    kwargs = {"default_factory": store.clock.now} if default is None and not nullable else {"default": default}
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index), **kwargs)


class InboundMessage(SQLModel, table=True):
    """One SMTP/LMTP transaction exactly as received, kept byte for byte."""

    __tablename__ = "inbound_message"
    id: Optional[int] = Field(default=None, primary_key=True)
    received_at: datetime = _when(index=True)
    mail_from: str = Field(default="", max_length=998)
    rcpt_to: list[Any] = Field(default_factory=list, sa_column=_json_column())
    peer: str = Field(default="", max_length=200)
    # The name the client greeted with: HELO/EHLO/LHLO, or the one a trusted MTA forwarded.
    helo: str = Field(default="", sa_column=sa.Column(sa.String(255), nullable=False, server_default=""))
    raw: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    size: int = 0
    state: str = Field(default=InboundState.RECEIVED, max_length=20, index=True)
    attempts: int = 0
    last_error: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    updated_at: datetime = _when()
    # processors/trust/: pass | fail | unknown, judged once when first processed ("" before), and why.
    sender_trust: str = Field(default="", max_length=10)
    trust_evidence: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))


class Challenge(SQLModel, table=True):
    """A held action (a follow-up from a doubtful sender, a withdrawal) that waits until the
    registered address confirms it by replying to the challenge mail (processors/trust/challenge.py)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    inbound_id: int = Field(foreign_key="inbound_message.id", index=True)
    thread_id: Optional[int] = Field(default=None, foreign_key="thread.id", index=True)
    held_address: str = Field(max_length=320)  # the recipient it was held for; replayed there when confirmed
    recipient: str = Field(max_length=320)  # the registered address the challenge went to
    action: str = Field(max_length=200)     # what confirming does, in words, for the mail and the operator
    state: str = Field(default=ChallengeState.WAITING, max_length=20, index=True)
    created_at: datetime = _when()
    expires_at: datetime = _when()
    resolved_at: Optional[datetime] = _when(nullable=True)


class Counterpart(SQLModel, table=True):
    """Whoever a thread is addressed to and who answers it: an FOI authority, a council, a
    representative. One table for all, so that one body can be several of these (by slug)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=300)
    email: str = Field(max_length=320)
    tags: str = Field(default="", max_length=500)
    country: str = Field(default="", max_length=10)
    url: str = Field(default="", max_length=500)
    updated_at: datetime = _when()

    @property
    def email_domain(self) -> str:
        return self.email.rpartition("@")[2].lower()


class Thread(SQLModel, table=True):
    """One correspondence: an FOI request, a problem report, a letter. `kind` says which."""

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(default="foi", max_length=20, index=True)
    title: str = Field(default="", max_length=500)
    body: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    state: str = Field(default="awaiting_confirmation", max_length=40, index=True)
    public: bool = True
    hidden: bool = False
    who_may_post: str = Field(default=WhoMayPost.ANYBODY, max_length=20)
    # The body the thread is addressed to; further ones it also went to are in thread_counterpart.
    counterpart_id: Optional[int] = Field(default=None, foreign_key="counterpart.id", index=True)
    citizen_name: str = Field(default="", max_length=300)
    citizen_email: str = Field(default="", max_length=320)
    awaiting_classification: bool = False
    created_at: datetime = _when()
    confirmed_at: Optional[datetime] = _when(nullable=True)
    sent_at: Optional[datetime] = _when(nullable=True, index=True)  # deadlines are counted from it
    last_activity_at: datetime = _when(index=True)
    # Bumped by store.change_tracking whenever the thread, a message or a file of it
    # changes, so the archive rebuilds exactly the threads that changed.
    updated_at: datetime = _when(index=True)
    reminded: list[Any] = Field(default_factory=list, sa_column=_json_column())  # reminder kinds already mailed


class ThreadCounterpart(SQLModel, table=True):
    """A further body a thread also went to (a problem report to both tiers of council): its
    replies are the thread's as much as those of `thread.counterpart_id`."""

    __tablename__ = "thread_counterpart"
    thread_id: int = Field(foreign_key="thread.id", primary_key=True)
    counterpart_id: int = Field(foreign_key="counterpart.id", primary_key=True, index=True)


class ThreadMessage(SQLModel, table=True):
    """One message in a thread, in both its private form and its redacted public form."""

    __tablename__ = "thread_message"
    __table_args__ = (
        sa.UniqueConstraint("thread_id", "inbound_id", name="uq_thread_inbound"),
        # Per-message lookups in one thread (processors/threads.py) must not walk the whole
        # thread: a resend by Message-ID, and the newest messages by arrival. Both also serve
        # plain thread_id lookups, so thread_id has no index of its own.
        sa.Index("ix_thread_message_thread_id_message_id_header", "thread_id", "message_id_header"),
        sa.Index("ix_thread_message_thread_id_arrived_at_id", "thread_id", "arrived_at", "id"),
        # The loop breaker's "last five from this side" (processors/loops.py).
        sa.Index("ix_thread_message_thread_id_kind_arrived_at", "thread_id", "kind", "arrived_at", "id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="thread.id")
    inbound_id: Optional[int] = Field(default=None, foreign_key="inbound_message.id", index=True)
    outbox_id: Optional[int] = Field(default=None, foreign_key="outbox.id", unique=True)
    direction: str = Field(max_length=10)  # incoming | outgoing
    kind: str = Field(max_length=20)  # request, reply, auto_reply, bounce, spam, follow_up, note, update
    from_name: str = Field(default="", max_length=300)
    from_address: str = Field(default="", max_length=320)  # private: never published
    subject: str = Field(default="", max_length=998)
    body_text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    quoted_text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    public_subject: str = Field(default="", max_length=998)
    public_body: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    public_quoted: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    message_id_header: str = Field(default="", max_length=998, index=True)
    notes: list[Any] = Field(default_factory=list, sa_column=_json_column())
    hidden: bool = False
    # When the message reached us (the inbound row's received_at) or we wrote it (the outbox
    # row's created_at): threads are ordered, threaded and counted by this, never by a
    # sender's clock, which may be wrong by a year or missing.
    arrived_at: datetime = _when()
    # The sender's own `Date:` (ours for outgoing mail), shown beside the arrival time when the
    # two differ by more than a day; None when the sender gave none. Display only.
    sent_at: Optional[datetime] = _when(nullable=True, index=True)


class Attachment(SQLModel, table=True):
    """A file of a thread message; its bytes live once in the blob store under `sha256`."""

    id: Optional[int] = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="thread_message.id", index=True)
    filename: str = Field(max_length=300)
    public_filename: str = Field(default="", max_length=300)
    content_type: str = Field(max_length=200)
    size: int
    sha256: str = Field(max_length=64, index=True)
    text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    public_text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    released: bool = True  # False: a censor rule matched inside; an operator must release it
    note: str = Field(default="", max_length=1000)


class Outbox(SQLModel, table=True):
    """One rendered outbound mail and its delivery state."""

    id: Optional[int] = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=40)  # template name
    thread_id: Optional[int] = Field(default=None, foreign_key="thread.id", index=True)
    to_address: str = Field(max_length=320)
    from_address: str = Field(max_length=320)
    envelope_from: str = Field(default="", max_length=320)
    message_id_header: str = Field(max_length=300, index=True)
    subject: str = Field(default="", max_length=998)
    raw: bytes = Field(default=b"", sa_column=sa.Column(sa.LargeBinary, nullable=False))
    state: str = Field(default=OutboxState.PENDING, max_length=20, index=True)
    attempts: int = 0
    next_attempt_at: datetime = _when(index=True)
    last_error: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    created_at: datetime = _when()
    sent_at: Optional[datetime] = _when(nullable=True)


class HeldMessage(SQLModel, table=True):
    """The holding pen: an inbound message (for one recipient) that no thread claimed."""

    __tablename__ = "held_message"
    __table_args__ = (sa.UniqueConstraint("inbound_id", "recipient", name="uq_held_inbound_recipient"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    inbound_id: int = Field(foreign_key="inbound_message.id", index=True)
    recipient: str = Field(max_length=320)
    reason: str = Field(max_length=1000)
    suggestions: list[Any] = Field(default_factory=list, sa_column=_json_column())  # [{thread_id, title, why}]
    state: str = Field(default="held", max_length=20, index=True)  # held | assigned | rejected
    thread_id: Optional[int] = Field(default=None, foreign_key="thread.id")
    created_at: datetime = _when()
    resolved_at: Optional[datetime] = _when(nullable=True)


class RateEvent(SQLModel, table=True):
    """One counted act, for the limits that keep mailgate from looping or spamming: a forward
    between the two sides of a thread (processors/loops.py), a mail to a stranger
    (processors/strangers.py), an operator told of a loop. Limits count the recent rows;
    `mailgate limits reset ADDRESS` clears those of an address or client."""

    __tablename__ = "rate_event"
    __table_args__ = (sa.Index("ix_rate_event_name_at", "name", "at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=20)  # forward | stranger | loop_alert
    thread_id: Optional[int] = Field(default=None, foreign_key="thread.id", index=True)
    direction: str = Field(default="", max_length=20)  # a forward's: to_counterpart | to_requester
    address: str = Field(default="", max_length=320, index=True)  # the recipient, lower case
    client: str = Field(default="", max_length=200, index=True)   # SMTP client of the mail that caused it
    note: str = Field(default="", max_length=1000)  # what the operator was told
    at: datetime = _when()
    cleared: bool = False  # reset by an operator: no longer counted


class CensorRule(SQLModel, table=True):
    """Text to hide from the public view: everywhere, for one authority, or one thread."""

    __tablename__ = "censor_rule"
    id: Optional[int] = Field(default=None, primary_key=True)
    pattern: str = Field(max_length=1000)
    is_regex: bool = False
    replacement: str = Field(default="[redacted]", max_length=100)
    counterpart_id: Optional[int] = Field(default=None, foreign_key="counterpart.id")
    thread_id: Optional[int] = Field(default=None, foreign_key="thread.id")
    note: str = Field(default="", max_length=500)


class BodyArea(SQLModel, table=True):
    """Where a body (a council) is responsible: its area as GeoJSON, and the GSS codes a postcode's
    council is matched against (a county lists its districts' codes, so a postcode finds both
    tiers). Written by `mailgate import bodies` (processors/places/import_bodies.py)."""

    __tablename__ = "body_area"
    counterpart_id: int = Field(foreign_key="counterpart.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    # A Polygon or MultiPolygon, validated on import; "" for a body known by its GSS codes only.
    geometry: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    gss_codes: list[Any] = Field(default_factory=list, sa_column=_json_column())
    # The lookup's index is rebuilt when count and newest change; an index answers both without
    # reading the (large) geometries.
    updated_at: datetime = _when(index=True)


class BodyContact(SQLModel, table=True):
    """Which body takes which category of problem report, and at which addresses: only these
    decide the tier (a county's potholes, a district's fly-tipping)."""

    __tablename__ = "body_contact"
    __table_args__ = (sa.UniqueConstraint("counterpart_id", "category", name="uq_body_contact_counterpart_category"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    counterpart_id: int = Field(foreign_key="counterpart.id", index=True)
    category: str = Field(max_length=100, index=True)
    emails: list[Any] = Field(default_factory=list, sa_column=_json_column())
    keywords: list[Any] = Field(default_factory=list, sa_column=_json_column())  # words that suggest the category
    updated_at: datetime = _when()


class PostcodePoint(SQLModel, table=True):
    """A postcode's coordinates (and, for other countries, its area's code), from
    `mailgate import postcodes`: the shipped GB data has areas but no coordinates."""

    __tablename__ = "postcode_point"
    key: str = Field(max_length=20, primary_key=True)  # upper case, no spaces: how a lookup finds it
    postcode: str = Field(max_length=20)                # as written, e.g. "SW1A 0AA"
    lat: float
    lon: float
    area: str = Field(default="", max_length=20)        # a GSS (or other) code bodies claim, "" when none


class Report(SQLModel, table=True):
    """What a problem report (a thread of kind "report") knows beyond the thread: where, what, who.
    Private: the archive reads none of it but what processors/reports/ copies into public fields."""

    thread_id: int = Field(foreign_key="thread.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    category: str = Field(default="", max_length=100)
    lat: Optional[float] = None
    lon: Optional[float] = None
    postcode: str = Field(default="", max_length=20)
    location_source: str = Field(default="", max_length=20)   # coordinates | map link | photo | postcode
    reporter_name: str = Field(default="", max_length=300)    # private: only the body sees it, as From:
    asking: str = Field(default="", max_length=20)            # what the last question asked for (a draft)
    rounds: int = 0                                            # questions asked so far
    last_asked_at: Optional[datetime] = _when(nullable=True)
    questionnaire_sent_at: Optional[datetime] = _when(nullable=True, index=True)


class ReportRecipient(SQLModel, table=True):
    """A body a report went to, and so its own address `report-ID-TOKEN@` (ID is this row's): a reply
    there is that body's, and only that body's mail domain may change the report's state."""

    __tablename__ = "report_recipient"
    __table_args__ = (sa.UniqueConstraint("thread_id", "counterpart_id", name="uq_report_recipient_thread_counterpart"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="thread.id", index=True)
    counterpart_id: int = Field(foreign_key="counterpart.id")


class ReportPhoto(SQLModel, table=True):
    """A photo the reporter attached, as received (EXIF and all): for the body and operators only."""

    __tablename__ = "report_photo"
    id: Optional[int] = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="thread.id", index=True)
    filename: str = Field(max_length=300)
    content_type: str = Field(max_length=200)
    size: int
    sha256: str = Field(max_length=64)


class ReportStateChange(SQLModel, table=True):
    """Every change of a report's state, when and by whom (council, reporter, questionnaire, operator):
    the body's statistics (days to fix) are counted from these."""

    __tablename__ = "report_state_change"
    id: Optional[int] = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="thread.id", index=True)
    state: str = Field(max_length=40)
    source: str = Field(max_length=20)
    message_id: Optional[int] = Field(default=None, foreign_key="thread_message.id")
    at: datetime = _when()


class Subscriber(SQLModel, table=True):
    """One address that follows something (processors/alerts/): it gets one digest per period.
    Private: its address never reaches a public output (tests/archive/ canary)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, sa_column_kwargs={"unique": True})  # lower case
    created_at: datetime = _when()


class Alert(SQLModel, table=True):
    """What one subscriber follows, how often, and whether it is confirmed (store/states.py AlertState)."""

    __table_args__ = (sa.Index("ix_alert_state_frequency", "state", "frequency"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    target: str = Field(max_length=20)          # AlertTarget
    value: str = Field(max_length=200)          # the thread id, a slug, or the words (cleaned; see processors/alerts/)
    label: str = Field(max_length=200)          # what mails call it: a published title, a slug, the words
    frequency: str = Field(max_length=10)       # AlertFrequency
    state: str = Field(default="pending", max_length=10)
    inbound_id: Optional[int] = Field(default=None, foreign_key="inbound_message.id", index=True)
    created_at: datetime = _when()
    expires_at: datetime = _when()              # unconfirmed after this: expired
    confirmed_at: Optional[datetime] = _when(nullable=True)  # items that arrived from then on are news
    stopped_at: Optional[datetime] = _when(nullable=True)


class AlertSent(SQLModel, table=True):
    """A message a subscriber was told about (in a digest): never again. Written in the same
    transaction as the digest's outbox row, so a run that stops half-way resumes without repeats."""

    __tablename__ = "alert_sent"
    subscriber_id: int = Field(foreign_key="subscriber.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    message_id: int = Field(foreign_key="thread_message.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    outbox_id: Optional[int] = Field(default=None, foreign_key="outbox.id", index=True)


import store.change_tracking  # noqa: E402,F401  (keeps Thread.updated_at current on every session)
import store.clean_rows  # noqa: E402,F401  (cleans the text of every row written, store/text.py)
import store.letter_moderation  # noqa: E402,F401  (letters' moderation tables: one metadata)
import store.representatives  # noqa: E402,F401  (representatives' tables: one metadata for the migrations)
