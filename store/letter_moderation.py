"""What is kept to hold template letters for moderation (issue 13): each sent or held letter's
fingerprint, never its text, and the operator's allowlist of writers whose letters are not compared.

The fingerprint (processors/letters/similarity.py) is a set of hashes of the letter's own words, from
which the words cannot be read back; the writer is kept as a keyed hash of their address, enough to
tell "another writer" from "the same writer" without keeping who. Both stay after a letter's text
is deleted, and after names and addresses are anonymised.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from store.models import _when


class LetterFingerprint(SQLModel, table=True):
    __tablename__ = "letter_fingerprint"
    thread_id: int = Field(foreign_key="thread.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    counterpart_id: int = Field(foreign_key="counterpart.id", index=True)  # the representative written to
    writer_key: str = Field(max_length=64)  # HMAC of the writer's address, lower case
    hashes: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    # When held: the most similar earlier letter and the score (processors/letters/moderation.py).
    similar_to: int | None = None
    score: float = 0.0
    created_at: datetime = _when(index=True)


class LetterAllowedSender(SQLModel, table=True):
    """A writer whose letters are never held as templates: some disabled people write with
    templates (WriteToThem issue #367). Added by an operator, `mailgate letters allow ADDRESS`."""

    __tablename__ = "letter_allowed_sender"
    address: str = Field(max_length=320, primary_key=True)  # lower case
    note: str = Field(default="", max_length=1000)
    added_at: datetime = _when()
