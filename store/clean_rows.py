"""Every row an ORM session writes has its text cleaned first (store/text.py).

Registered on SQLAlchemy's Session class, like store/change_tracking.py, so that no
writer (actors, CLI, tests) can forget it. The gateway's own inserts call the same
cleaner (mailgate/gateway/dbapi_store.py).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.text import clean_value


@sa.event.listens_for(Session, "before_flush")
def _clean_text(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        state = sa.inspect(obj)
        # What is about to be written: every loaded value of a new row, the changed ones of
        # an old row. Read from the instance's dict, so that nothing is loaded to be checked.
        keys = state.dict.keys() if obj in session.new else state.committed_state.keys()
        columns = state.mapper.column_attrs
        for key in [k for k in keys if k in columns]:
            value = state.dict.get(key)
            if isinstance(value, (str, list, dict)):
                cleaned = clean_value(value)
                if cleaned != value:
                    setattr(obj, key, cleaned)
