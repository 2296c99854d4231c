"""A live service with the fictional sample councils, reporters' mail, and photos with real EXIF GPS tags."""
from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session, select

from processors.places.import_bodies import import_bodies
from processors.places.import_contacts import import_contacts
from store.models import Report, ReportStateChange, Thread, ThreadMessage
from tests.harness import import_sample_authorities

SAMPLES = Path(__file__).resolve().parent.parent.parent / "mailgate" / "data"
REPORTER = "robin@citizen.example"


def with_the_sample(service):
    import_sample_authorities(service)
    with Session(service.context.engine) as session:
        import_bodies(session, SAMPLES / "sample_places.geojson")
        import_contacts(session, SAMPLES / "sample_contacts.csv")
        session.commit()
    return service


@pytest.fixture
def reporting(service):
    """The live service (both backends) with the sample councils, bodies and contacts."""
    return with_the_sample(service)


def dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4)


def photo_at(lat: float, lon: float, size: tuple[int, int] = (64, 48)) -> bytes:
    """A real JPEG with real EXIF GPS tags (GPSLatitudeRef/GPSLatitude/GPSLongitudeRef/GPSLongitude)."""
    image = Image.new("RGB", size, (120, 130, 140))
    exif = Image.Exif()
    exif[0x8825] = {1: "N" if lat >= 0 else "S", 2: dms(abs(lat)), 3: "E" if lon >= 0 else "W", 4: dms(abs(lon))}
    exif[0x010F] = "mailgate-test-camera"  # Make: a private trace a published copy must not carry
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def report_mail(subject: str, body: str, *, sender: str = REPORTER, name: str = "Robin Reporter", to: str = "",
                photos: list[bytes] = (), headers: dict[str, str] | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>" if name else sender
    message["To"] = to
    message["Subject"] = subject
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(body)
    for number, data in enumerate(photos, 1):
        message.add_attachment(data, maintype="image", subtype="jpeg", filename=f"IMG_{number:04}.jpg")
    return message.as_bytes()


def send(service, raw: bytes, sender: str, to: str) -> None:
    service.send(raw, sender, [to])
    service.wait_idle()


def thread_of(service, thread_id: int) -> tuple[Thread, Report]:
    with Session(service.context.engine) as session:
        return session.get(Thread, thread_id), session.get(Report, thread_id)


def changes(service, thread_id: int) -> list[tuple[str, str]]:
    with Session(service.context.engine) as session:
        rows = session.exec(select(ReportStateChange).where(ReportStateChange.thread_id == thread_id)
                            .order_by(ReportStateChange.id)).all()
        return [(row.state, row.source) for row in rows]


def messages(service, thread_id: int) -> list[ThreadMessage]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread_id)
                                 .order_by(ThreadMessage.id)).all())


def reports(service) -> list[Thread]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(Thread).where(Thread.kind == "report").order_by(Thread.id)).all())
