"""What the public sees of a thread: redacted everywhere, files withheld when personal data is inside."""
from __future__ import annotations

import base64
import os
import subprocess
import sys

from sqlmodel import Session, select

from store.models import Attachment, Thread, ThreadMessage
from tests.harness import make_request

AUTHORITY = "clerk@ambridge-parish.example"


def make_thread(service) -> Thread:
    return make_request(service, name="Sam Smith")


def reply_with_files(service, thread: Thread, files: dict[str, bytes], body: str, subject: str = "Verge cutting"):
    address = service.context.addresses.authority_facing(thread.id)
    boundary = "b0undary"
    parts = [f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"]
    for name, data in files.items():
        parts.append(f"--{boundary}\r\nContent-Type: application/octet-stream; name=\"{name}\"\r\n"
                     f"Content-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                     + base64.encodebytes(data).decode().replace("\n", "\r\n") + "\r\n")
    raw = (f"From: Clerk <{AUTHORITY}>\r\nTo: {address}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
           f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n" + "".join(parts) + f"--{boundary}--\r\n")
    service.send(raw.encode(), AUTHORITY, [address])
    service.wait_idle()


def latest(service, thread: Thread) -> tuple[ThreadMessage, list[Attachment]]:
    with Session(service.context.engine) as session:
        message = session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread.id)
                               .order_by(ThreadMessage.id.desc())).first()
        return message, list(session.exec(select(Attachment).where(Attachment.message_id == message.id)
                                          .order_by(Attachment.id)))


def test_a_file_naming_the_citizen_is_withheld_and_an_ordinary_one_published(service):
    thread = make_thread(service)
    reply_with_files(service, thread, {
        "letter.txt": b"Dear Sam, write to sam@citizen.example if you have questions.",
        "schedule.csv": b"verge,cuts per year\nA road,2\nB road,1\nCall 01632 960 001\n",
    }, "Please find attached.")
    _, (letter, schedule) = latest(service, thread)
    assert not letter.released and schedule.released  # the switchboard number is not personal data
    assert "sam@citizen.example" not in letter.public_text and "[email address]" in letter.public_text
    assert "[phone number]" in schedule.public_text


def test_censor_rules_apply_to_subject_body_quotes_file_names_and_text(service, tmp_path):
    thread = make_thread(service)
    reply_with_files(service, thread, {"Smith-complaint.txt": b"Complaint by Mr Smith about verges."},
                     "Mr Smith asked twice.\n\n> On Monday Mr Smith wrote:\n> hello", subject="Smith verges")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")}
    environment |= {"MAILGATE_HOME": str(service.settings.home), "MAILGATE_DOMAIN": service.settings.domain,
                    "MAILGATE_SECRET": service.settings.secret.get_secret_value(),
                    "MAILGATE_DATABASE_URL": service.settings.database_url}
    result = subprocess.run([sys.executable, "-m", "mailgate", "censor", "add", "Smith", "--authority",
                             "ambridge-parish", "--replacement", "[name]"], env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    message, [attachment] = latest(service, thread)
    assert "Smith" not in message.public_subject + message.public_body + message.public_quoted
    assert "[name]" in message.public_body and "[name]" in message.public_quoted
    assert attachment.public_filename == "[name]-complaint.txt" and "Smith" not in attachment.public_text
    assert not attachment.released  # the rule hits inside the file: an operator must look first
    assert "Smith" in message.body_text  # the private form is untouched
    result = subprocess.run([sys.executable, "-m", "mailgate", "release", str(attachment.id)], env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "released" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "mailgate", "censor", "add", "([a-z", "--regex"], env=environment,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "not a valid regular expression" in bad.stderr
