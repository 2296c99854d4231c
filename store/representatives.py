"""The tables of representatives (issue 13): who a representative is, which seats they hold, and the
constituent's details of a letter to them.

A representative is a row of `counterpart`, the table of FOI authorities and councils, so that a
letter thread points at its recipient the way a request points at its authority; these tables
add what only a representative has. An empty `counterpart.email` means "does not accept email".
Written by `mailgate import representatives` (processors/letters/import_representatives.py).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from store.models import _when


class Representative(SQLModel, table=True):
    """A person of an imported Popolo file, known by the file's own id so that a re-import updates."""

    __tablename__ = "representative"
    counterpart_id: int = Field(foreign_key="counterpart.id", primary_key=True,
                                sa_column_kwargs={"autoincrement": False})
    person_id: str = Field(max_length=200, sa_column_kwargs={"unique": True})  # Popolo persons[].id
    # For "does not accept email" representatives the constituent is told where to write instead.
    postal_address: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    updated_at: datetime = _when()


class RepresentativeSeat(SQLModel, table=True):
    """One membership with an area (a Popolo membership of a legislature for a constituency), with its
    dates: whether it is current is decided when asked, by the clock, not at import."""

    __tablename__ = "representative_seat"
    id: Optional[int] = Field(default=None, primary_key=True)
    counterpart_id: int = Field(foreign_key="counterpart.id", index=True)
    area_id: str = Field(max_length=200)        # Popolo areas[].id
    area_name: str = Field(max_length=300)
    # The 2024 constituency the area was matched to (store/uk_postcodes.py), "" when none was.
    constituency_gss: str = Field(default="", max_length=20, index=True)
    organization: str = Field(default="", max_length=300)  # e.g. House of Commons
    party: str = Field(default="", max_length=300)         # on_behalf_of
    start_date: Optional[date] = Field(default=None, sa_column=sa.Column(sa.Date, nullable=True))
    end_date: Optional[date] = Field(default=None, sa_column=sa.Column(sa.Date, nullable=True))


class Letter(SQLModel, table=True):
    """What a letter thread (kind "letter") has beyond a thread: the constituent's postal details, which
    representatives need to know they are a constituent, and how many confirmation mails were sent. Private:
    letters are never published (web_archive/source.py publishes no "letter" thread)."""

    __tablename__ = "letter"
    thread_id: int = Field(foreign_key="thread.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    postcode: str = Field(max_length=20)
    postal_address: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    confirmations_sent: int = 0  # at most two (processors/letters/writing.py)
    # Responsiveness (processors/letters/responsiveness.py): statistics, kept when the text is deleted.
    first_reply_at: Optional[datetime] = _when(nullable=True)  # the representative's first counted reply
    questionnaires_sent: int = 0  # the questionnaire and its one reminder
    questionnaire_sent_at: Optional[datetime] = _when(nullable=True)
    answer: str = Field(default="", max_length=10)  # the questionnaire's: yes | no | ack, "" unanswered
    # Retention (processors/letters/retention.py): the inbound mails that carried this letter's text
    # outside its thread messages (the letter as sent to write@, again, its confirmation, answers),
    # and when the text was deleted and the names anonymised.
    inbound_ids: list[Any] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    text_deleted_at: Optional[datetime] = _when(nullable=True)
    anonymised_at: Optional[datetime] = _when(nullable=True)
