"""The tables of representatives (issue 13): who a representative is, and which seats they hold.

A representative is a row of `counterpart`, the table of FOI authorities and councils, so that a
letter thread points at its recipient the way a request points at its authority; these tables
add what only a representative has. An empty `counterpart.email` means "does not accept email".
Written by `mailgate import representatives` (processors/letters/import_representatives.py).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

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
