"""Hostile problem reports: a forged council `Status:`, a flood of report@ mails from one sender, a
photo bomb, a huge EXIF block, a decompression bomb and bytes that only claim to be a photo."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from sqlmodel import Session, func, select

from processors.reports.location import exif_position
from processors.reports.records import PHOTOS_KEPT
from store.models import ReportPhoto
from store.report_states import ReportState
from tests.harness import LiveService
from tests.reports.conftest import dms, messages, photo_at, report_mail, reports, send, thread_of, with_the_sample

COUNTY_POTHOLES = "highways@borsetshire.gov.example"
REPORTER = "rae@citizen.example"


@pytest.fixture
def live(make_settings, relay):
    service = with_the_sample(LiveService(make_settings(relay=relay.address)).start())
    yield service
    service.stop()


def sent_report(live, relay) -> tuple[int, str]:
    """A report of a pothole, confirmed and sent to the county: (thread id, the report's address)."""
    address = f"report@{live.settings.domain}"
    send(live, report_mail("Pothole", "A pothole at 52.05,-1.95", sender=REPORTER, to=address), REPORTER, address)
    confirm = relay.to(REPORTER)[-1].message["Reply-To"]
    send(live, report_mail("Re: confirm", "Yes", sender=REPORTER, to=confirm), REPORTER, confirm)
    [sent] = relay.to(COUNTY_POTHOLES)
    return reports(live)[0].id, sent.message["From"].addresses[0].addr_spec


@pytest.mark.parametrize(("sender", "headers", "why"), [
    ("mallory@evil.example", {}, "is not at the mail domain of the body"),
    ("highways@evilborsetshire.gov.example", {}, "is not at the mail domain of the body"),  # a lookalike domain
    (COUNTY_POTHOLES, {"Authentication-Results": "relay.example.net; dmarc=fail header.from=borsetshire.gov.example"},
     "the sender-trust verdict is fail"),
])
def test_a_forged_council_status_changes_nothing(live, relay, sender, headers, why):
    thread_id, address = sent_report(live, relay)
    send(live, report_mail("Re: Pothole", "All done.\nStatus: fixed", sender=sender, name="Highways", to=address,
                           headers=headers), sender, address)
    assert thread_of(live, thread_id)[0].state == ReportState.OPEN
    update = messages(live, thread_id)[-1]
    assert update.kind == "update" and any(why in note for note in update.notes)


def test_a_flood_of_reports_from_one_sender_makes_one_draft_and_one_answer(live, relay):
    address = f"report@{live.settings.domain}"
    for n in range(20):
        live.send(report_mail(f"Report {n}", "Somewhere, something.", sender=REPORTER, to=address), REPORTER, [address])
    live.wait_idle()
    assert len(relay.to(REPORTER)) == 1  # the gate for mail to strangers: one an hour to an address
    assert len(reports(live)) == 1       # and no draft nobody could be asked to finish


def test_a_photo_bomb_keeps_a_few_photos(live, relay):
    address = f"report@{live.settings.domain}"
    photos = [photo_at(52.05, -1.95)] * 40
    send(live, report_mail("Rubbish dumped", "Dumped rubbish.", sender=REPORTER, to=address, photos=photos),
         REPORTER, address)
    with Session(live.context.engine) as session:
        assert session.exec(select(func.count()).select_from(ReportPhoto)).one() == PHOTOS_KEPT
    confirm = relay.to(REPORTER)[-1].message["Reply-To"]
    send(live, report_mail("Re: confirm", "Yes", sender=REPORTER, to=confirm), REPORTER, confirm)
    [sent] = relay.to("envcrime@borchester.gov.example")
    assert len(list(sent.message.iter_attachments())) == PHOTOS_KEPT


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size a decoder would need gigabytes for."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IEND", b""))


def test_photos_that_are_bombs_or_lies_give_no_place_and_no_trouble():
    assert exif_position(png_claiming(200_000, 200_000)) is None   # refused by the header, nothing decoded
    assert exif_position(b"\xff\xd8\xff\xe1" + b"\x00" * 5000) is None  # a JPEG only by its first bytes
    assert exif_position(b"GIF89a" + b"\xff" * 100) is None
    # A huge EXIF block (a 60 KB comment, as much as a JPEG segment holds) around a real position.
    image, exif = Image.new("RGB", (8, 8)), Image.Exif()
    exif[0x8825] = {1: "N", 2: dms(52.05), 3: "W", 4: dms(1.95)}
    exif[0x9286] = b"ASCII\x00\x00\x00" + b"x" * 60_000  # UserComment
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    assert exif_position(out.getvalue()) == pytest.approx((52.05, -1.95), abs=1e-4)
