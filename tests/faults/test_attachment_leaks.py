"""Attachments reach the archive redacted like a body (text-like ones), or not at all (binary ones with an
address in their bytes): a delivery report, a text file, a CSV, JSON, a calendar, a Word file, a PDF.

The delivery report is real: tests/data/faults/dsn-postfix-user-unknown.eml is flufl.bounce 6.0.0's
tests/data/dsn_10.txt (Apache-2.0), see tests/data/faults/PROVENANCE.md.
"""
from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from sqlmodel import Session, select

from mailgate.runtime.configs import archive_config
from store.models import Attachment, Outbox, ThreadMessage
from tests.harness import fill_template, make_request
from tests.understanding.understanding_helpers import CORPUS  # noqa: F401 - puts binary_fixtures on sys.path
from web_archive.build import build_site

DSN = Path(__file__).resolve().parents[1] / "data" / "faults" / "dsn-postfix-user-unknown.eml"
# Every address in the real report: its recipient (in the delivery-status part), the returned message's
# sender and recipient, the daemon.
DSN_ADDRESSES = (b"anne.person@dom.ain", b"b.a.dude@example.com", b"people@example.com", b"MAILER-DAEMON@example.com")
AUTHORITY = "clerk@ambridge-parish.example"
OFFICER = "kim.officer@ambridge-parish.example"
PHONE = "01632 960 123"
TEXT_FILES = {  # name: (content type, bytes), each carrying a council officer's address (and most a phone)
    "minutes.txt": ("text/plain", f"Minutes taken by Kim Officer ({OFFICER}, {PHONE}).\n".encode()),
    "contacts.csv": ("text/csv", f"name,email,phone\nKim Officer,{OFFICER},{PHONE}\n".encode()),
    "contacts.json": ("application/json", f'{{"clerk": "{OFFICER}", "phone": "{PHONE}"}}\n'.encode()),
    "meeting.ics": ("text/calendar", (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Verges\r\n"
                                      f"ORGANIZER;CN=Kim Officer:mailto:{OFFICER}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
                    .encode()),
}


def reply_with(service, thread, files: dict[str, tuple[str, bytes]], body: str = "Please find attached.") -> None:
    mail = EmailMessage()
    mail["From"], mail["To"] = f"Clerk <{AUTHORITY}>", service.context.addresses.authority_facing(thread.id)
    mail["Subject"] = "Re: Verge cutting"
    mail.set_content(body)
    for name, (content_type, data) in files.items():
        maintype, subtype = content_type.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    service.send(mail.as_bytes(policy=SMTP), AUTHORITY, [mail["To"]])
    service.wait_idle()


def attachments_of(service, thread) -> list[Attachment]:
    with Session(service.context.engine) as session:
        return list(session.exec(select(Attachment).join(ThreadMessage, ThreadMessage.id == Attachment.message_id)
                                 .where(ThreadMessage.thread_id == thread.id).order_by(Attachment.id)))


def build(service, tmp_path) -> Path:
    site = tmp_path / "site"
    build_site(archive_config(service.settings), site, search=False, progress=False)
    return site


def published(site: Path, thread, attachment: Attachment) -> list[Path]:
    """The attachment's public file(s) beside its page: none when it is withheld."""
    folder = site / f"thread/{thread.id}/attachments/{attachment.id}"
    assert (folder / "index.html").exists()
    return [p for p in folder.iterdir() if p.name != "index.html"]


def leaks(site: Path, needles) -> list[str]:
    return [f"{path.relative_to(site)}: {needle!r}" for path in sorted(site.rglob("*")) if path.is_file()
            for needle in needles if needle in path.read_bytes()]


def test_a_delivery_report_is_published_as_redacted_text(service, tmp_path):
    thread = make_request(service)
    with Session(service.context.engine) as session:
        request = session.exec(select(Outbox).where(Outbox.thread_id == thread.id,
                                                    Outbox.kind == "foi_request")).one()
    service.send(fill_template(DSN), "", [request.envelope_from])  # CRLF, as on the wire
    service.wait_idle()
    files = attachments_of(service, thread)
    [status] = [a for a in files if a.content_type == "message/delivery-status"]
    # the whole report, the recipient's block too, redacted like a body
    assert "Reporting-MTA: dns; brainy.example.com" in status.public_text
    assert "Final-Recipient: rfc822; [email address]" in status.public_text and "Action: failed" in status.public_text
    site = build(service, tmp_path)
    assert leaks(site, DSN_ADDRESSES) == []
    for attachment in files:
        [public] = published(site, thread, attachment)
        assert public.read_bytes().decode("utf-8") == attachment.public_text
    [public] = published(site, thread, status)
    assert "Final-Recipient: rfc822; [email address]" in public.read_bytes().decode("utf-8")


def test_an_authoritys_files_are_published_redacted_or_not_at_all(service, tmp_path):
    """One reply (one service each, for speed): text-like files, one naming the citizen, and binary files."""
    import binary_fixtures as fx  # the corpus generator's PDF maker

    thread = make_request(service, email="sam@citizen.example")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56
    binaries = {
        "letter.pdf": ("application/pdf", fx.pdf([f"Contact {OFFICER} about verges"])),
        "minutes.doc": ("application/msword", ole + f"Minutes by {OFFICER}".encode("utf-16-le")),
        "plain.pdf": ("application/pdf", fx.pdf(["Verges are cut twice a year"])),
    }
    citizen = {"reply.txt": ("text/plain", b"Dear Sam, we wrote to sam@citizen.example.\n")}
    reply_with(service, thread, TEXT_FILES | citizen | binaries)
    files = {a.filename: a for a in attachments_of(service, thread)}
    assert sorted(files) == sorted(TEXT_FILES | citizen | binaries)
    # the citizen's own address is inside: that file waits for an operator, who releases it (as `mailgate release`)
    assert [name for name, a in files.items() if not a.released] == ["reply.txt"]
    with Session(service.context.engine) as session:
        session.get(Attachment, files["reply.txt"].id).released = True
        session.commit()
    site = build(service, tmp_path)
    assert leaks(site, (OFFICER.encode(), OFFICER.encode("utf-16-le"), PHONE.encode(), b"sam@citizen.example")) == []

    for name in TEXT_FILES:  # each published as its public text, redacted like a body
        [public] = published(site, thread, files[name])
        text = public.read_bytes().decode("utf-8")
        assert text == files[name].public_text and "[email address]" in text
    [public] = published(site, thread, files["reply.txt"])
    assert public.read_bytes().decode("utf-8") == "Dear Sam, we wrote to [email address]."

    # an authority's address is no reason to hold a file back, but bytes cannot be redacted: not published
    assert published(site, thread, files["letter.pdf"]) == [] and published(site, thread, files["minutes.doc"]) == []
    page = (site / f"thread/{thread.id}/attachments/{files['letter.pdf'].id}/index.html").read_text()
    assert "withheld pending review" in page
    [public] = published(site, thread, files["plain.pdf"])  # a file without an address is published as it came
    assert public.read_bytes() == binaries["plain.pdf"][1]
