"""A report's own rows: its `report` row, its photos and its recorded state changes."""
from __future__ import annotations

from sqlmodel import Session, select

from processors.context import Context
from processors.understanding.model import AttachmentInfo
from store.blobs import get_blob, put_blob
from store.models import Report, ReportPhoto, ReportStateChange, Thread

# A report keeps at most this many photos, each at most PHOTO_BYTES: the rest is left out (and the
# reporter told), so a mail of a hundred photos costs no more than one of five.
PHOTOS_KEPT = 5
PHOTO_BYTES = 10 * 1024 * 1024


def report_of(session: Session, thread: Thread) -> Report:
    report = session.get(Report, thread.id)
    if report is None:  # every report thread has one; a missing row is a bug, said plainly
        raise LookupError(f"thread {thread.id} is a report without a report row")
    return report


def keep_photos(session: Session, context: Context, thread_id: int, attachments: list[AttachmentInfo]) -> int:
    """Store the images among `attachments` (up to PHOTOS_KEPT per report); returns how many were left out."""
    images = [a for a in attachments if a.content_type.lower().startswith("image/")]
    kept = len(session.exec(select(ReportPhoto.id).where(ReportPhoto.thread_id == thread_id)).all())
    left_out = 0
    for image in images:
        if kept >= PHOTOS_KEPT or len(image.data) > PHOTO_BYTES:
            left_out += 1
            continue
        sha256 = put_blob(context.config.blob_dir, image.data)
        session.add(ReportPhoto(thread_id=thread_id, filename=image.filename or "photo", size=len(image.data),
                                content_type=image.content_type.lower(), sha256=sha256))
        kept += 1
    return left_out


def photos_of(session: Session, context: Context, thread_id: int) -> list[tuple[str, str, bytes]]:
    rows = session.exec(select(ReportPhoto).where(ReportPhoto.thread_id == thread_id).order_by(ReportPhoto.id)).all()
    return [(row.filename, row.content_type, get_blob(context.config.blob_dir, row.sha256)) for row in rows]


def change_state(session: Session, context: Context, thread: Thread, state: str, source: str,
                 message_id: int | None = None) -> bool:
    """Move the report to `state`, recording when and by whom; False when it was there already."""
    if thread.state == state:
        return False
    thread.state = state
    thread.last_activity_at = context.clock.now()
    session.add(ReportStateChange(thread_id=thread.id, state=state, source=source, message_id=message_id,
                                  at=context.clock.now()))
    return True


class ReportError(ValueError):
    """An operator's request that cannot be done; the message says what to fix."""


def set_state_by_operator(session: Session, context: Context, thread_id: int, state: str) -> Thread:
    """`mailgate report state ID STATE`: any state, recorded with the source "operator"."""
    from store.report_states import ChangeSource, ReportState

    thread = session.get(Thread, thread_id)
    if thread is None or thread.kind != "report":
        raise ReportError(f"there is no problem report {thread_id} (`mailgate report list` shows them)")
    wanted = state.strip().lower().replace(" ", "_").replace("-", "_")
    if wanted not in {s.value for s in ReportState}:
        raise ReportError(f"{state!r} is not a report state; use one of: {', '.join(s.value for s in ReportState)}")
    change_state(session, context, thread, wanted, ChangeSource.OPERATOR)
    return thread


def history(session: Session, thread_id: int) -> list[ReportStateChange]:
    return list(session.exec(select(ReportStateChange).where(ReportStateChange.thread_id == thread_id)
                             .order_by(ReportStateChange.at, ReportStateChange.id)).all())
