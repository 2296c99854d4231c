"""A small store with every kind of thing the archive must show, hide or neutralise, built once per test."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import Session

from mailgate.runtime.configs import archive_config
from mailgate.runtime.settings import Settings
from store.blobs import put_blob
from store.db import make_engine
from store.letter_moderation import LetterAllowedSender, LetterFingerprint
from store.migrate import upgrade
from store.models import (
    Alert,
    AlertSent,
    Attachment,
    Counterpart,
    HeldMessage,
    InboundMessage,
    Report,
    ReportPhoto,
    ReportStateChange,
    Subscriber,
    Thread,
    ThreadMessage,
)
from store.representatives import Letter
from tests.archive.tagged_images import CANARIES, tagged_jpeg

DOMAIN = "archive.test"
TODAY = date(2026, 3, 2)
# The position tagged_images.tagged_jpeg's EXIF gives (12° 34' 56.789" N, 1° 2' 3" W), as pages would print it.
PHOTO_GPS = (12.582441, -1.034167)
PHOTO_GPS_TEXT = ("12.5824", "1.0341")
# Strings that live only in private columns: none of them may appear in any output file.
PRIVATE = ("PRIVATE-BODY-TEXT", "PRIVATE-QUOTED", "PRIVATE-SUBJECT", "citizen.secret", "foi@camden.example",
           "HELD-IN-PEN", "LETTER-CONTENT", "HIDDEN-MESSAGE", "HIDDEN-THREAD", "SPAM-MESSAGE", "RAW-BYTES",
           "UNCONFIRMED-THREAD", "NOT-PUBLIC-THREAD", "WITHHELD-TEXT",
           # a letter to a representative: its text, the constituent's name and postal address (issue 13)
           "LETTER-CONSTITUENT-NAME", "LETTER-POSTAL-ADDRESS", "LETTER-POSTCODE",
           # copy-paste detection: fingerprints, the writer's keyed hash, the allowlist (issue 13)
           "FINGERPRINT-CANARY", "WRITER-KEY-CANARY", "allow-canary.example", "ALLOWLIST-NOTE-CANARY",
           # in the bytes of attachments only: their public text (or nothing, for a binary file) is what may show
           "TXT-ATTACHMENT-CANARY", "CSV-ATTACHMENT-CANARY", "DSN-ATTACHMENT-CANARY", "BINARY-ATTACHMENT-CANARY",
           "camden-canary.example",
           # a problem report's private rows: the reporter's name, the original photo (EXIF and all)
           "REPORTER-NAME-CANARY", "PHOTO-EXIF-CANARY", "photo-canary.example",
           # the metadata blocks of a photo attached to an FOI reply or a report, and that photo's GPS position
           *CANARIES, *PHOTO_GPS_TEXT,
           # alerts (processors/alerts/): a subscriber's address, what they follow, the words they search for
           "subscriber-canary.example", "SUBSCRIBEDWORDCANARY", "ALERT-LABEL-CANARY")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# The only addresses a page may carry: the service's own request-making addresses (mailto: links).
ALLOWED_ADDRESS = re.compile(r"(?:foi-[a-z0-9-]+|report|subscribe)@" + re.escape(DOMAIN))
HOSTILE = ('<script>alert("x")</script> <img src=http://tracker.example/pixel.gif onerror=alert(1)> '
           '<a href="javascript:alert(2)">click</a> <div style="width: expression(alert(3))">css</div>')


def when(days_ago: int) -> datetime:
    return datetime.combine(TODAY, datetime.min.time(), tzinfo=timezone.utc) - timedelta(days=days_ago)


def message(thread: Thread, n: int, direction: str, kind: str, body: str, quoted: str = "", **extra) -> ThreadMessage:
    sent_at = extra.pop("sent_at", when(60 - n))
    return ThreadMessage(thread_id=thread.id, direction=direction, kind=kind,
                         from_name=extra.pop("from_name", "Jo Citizen" if direction == "outgoing" else "Camden FOI team"),
                         from_address="someone.private@example.org", subject="PRIVATE-SUBJECT",
                         body_text="PRIVATE-BODY-TEXT " + body, quoted_text="PRIVATE-QUOTED",
                         public_subject=extra.pop("subject", f"Message {n}"), public_body=body,
                         public_quoted=quoted, sent_at=sent_at, arrived_at=extra.pop("arrived_at", sent_at), **extra)


class Store:
    """The test store: ids of the interesting rows, and helpers to add more."""

    def __init__(self, tmp: Path):
        self.path = tmp / "store.db"
        self.url = f"sqlite:///{self.path}"
        self.blob_dir = tmp / "home" / "blobs"
        upgrade(self.url)
        self.engine = make_engine(self.url)
        self.settings = Settings(home=tmp / "home", database_url=self.url, domain=DOMAIN,
                                 site_url="https://archive.test/", service_name="Mailgate Test")
        self.config = archive_config(self.settings)
        self.ids: dict[str, int] = {}

    def add(self, *rows):
        with Session(self.engine, expire_on_commit=False) as session:
            for row in rows:
                session.add(row)
            session.commit()
        return rows[0] if len(rows) == 1 else rows

    def populate(self) -> Store:
        camden = self.add(Counterpart(slug="camden", name="Camden Council", email="foi@camden.example",
                                    url="https://camden.example/", tags="council"))
        evil = self.add(Counterpart(slug="evil", name='Evil <b>Authority</b>', email="x@evil.example",
                                  url="javascript:alert(9)"))
        mp = self.add(Counterpart(slug="jo-mp", name="Jo Bloggs MP", email="jo.mp@parliament.example", tags="mp"))
        self.ids.update(camden=camden.id, evil=evil.id, mp=mp.id)

        foi = self.add(Thread(kind="foi", title="Pothole repair budget 2025", state="waiting_response",
                              counterpart_id=camden.id, citizen_name="Jo Citizen",
                              citizen_email="jo@citizen.secret.example", created_at=when(61), sent_at=when(60),
                              last_activity_at=when(3)))
        self.ids["foi"] = foi.id
        request = self.add(message(foi, 0, "outgoing", "request",
                                   "Please send me the pothole budget.\nContact me at jo@citizen.example.com."))
        # An auto-reply from a server whose clock is a year behind: shown where it arrived.
        self.add(message(foi, 1, "incoming", "auto_reply", "We have received your request.",
                         sent_at=when(59 + 365), arrived_at=when(59)))
        reply = self.add(message(foi, 5, "incoming", "reply", "Here is the budget, see attached.",
                                 quoted="> Please send me the pothole budget.\n> QUOTED-MARKER"))
        bounce = self.add(message(foi, 6, "incoming", "bounce", "Delivery to a colleague failed."))
        self.add(message(foi, 7, "incoming", "reply", "HIDDEN-MESSAGE do not show", hidden=True))
        self.add(message(foi, 8, "incoming", "spam", "SPAM-MESSAGE buy now"))
        sha = put_blob(self.blob_dir, b"budget,amount\nroads,100\n")
        released = self.add(Attachment(message_id=reply.id, filename="private name.csv",
                                       public_filename="budget.csv", content_type="text/csv", size=24, sha256=sha,
                                       text="budget", public_text="budget,amount\nroads,100"))
        withheld_sha = put_blob(self.blob_dir, b"WITHHELD-TEXT secret")
        withheld = self.add(Attachment(message_id=reply.id, filename="w.pdf", public_filename="review.pdf",
                                       content_type="application/pdf", size=20, sha256=withheld_sha,
                                       text="WITHHELD-TEXT", public_text="WITHHELD-TEXT", released=False))
        html_sha = put_blob(self.blob_dir, b"<script>alert(1)</script>")
        html_file = self.add(Attachment(message_id=reply.id, filename="page.html", public_filename="page.html",
                                        content_type="text/html", size=25, sha256=html_sha, public_text="page"))
        self.ids.update(request=request.id, reply=reply.id, released=released.id, withheld=withheld.id,
                        html_file=html_file.id, **self.add_canaries(reply, bounce))

        hostile = self.add(Thread(kind="foi", title="Hostile " + HOSTILE, state="successful",
                                  counterpart_id=evil.id, citizen_name="<i>Mallory</i>",
                                  citizen_email="mallory@evil.example", created_at=when(40), sent_at=when(40),
                                  last_activity_at=when(30)))
        self.ids["hostile"] = hostile.id
        self.add(message(hostile, 20, "outgoing", "request", HOSTILE, quoted=HOSTILE, from_name="<b>Mallory</b>",
                         subject=HOSTILE))

        fresh = self.add(Thread(kind="foi", title="Library opening hours", state="waiting_response",
                                counterpart_id=camden.id, citizen_name="Sam", citizen_email="sam@private.example",
                                created_at=when(2), sent_at=when(2), last_activity_at=when(2)))
        self.ids["fresh"] = fresh.id
        self.add(message(fresh, 58, "outgoing", "request", "When is the library open?"))

        classify = self.add(Thread(kind="foi", title="Tree felling policy", state="waiting_response",
                                   awaiting_classification=True, counterpart_id=camden.id,
                                   created_at=when(20), sent_at=when(20), last_activity_at=when(10)))
        self.ids["classify"] = classify.id
        self.add(message(classify, 40, "outgoing", "request", "Please send the tree policy."))
        self.add(message(classify, 50, "incoming", "reply", "Attached is our policy."))

        # A report placed by its photo, fixed by the council's update 3 days after it was sent.
        report = self.add(Thread(kind="report", title="Broken streetlight on High Street", state="fixed",
                                 counterpart_id=camden.id, citizen_name="REPORTER-NAME-CANARY Pat",
                                 citizen_email="pat@private.example", created_at=when(5), sent_at=when(5),
                                 last_activity_at=when(2)))
        self.ids["report"] = report.id
        self.add(message(report, 55, "outgoing", "request", "The light at number 12 is out.\n\n"
                         "Category: Street lights\nLocation: 51.50000,-0.10000\nMap: https://www.openstreetmap.org/",
                         from_name="The reporter"))
        update = self.add(message(report, 56, "incoming", "update", "An engineer fixed it.\nStatus: fixed",
                                  arrived_at=when(2)))
        self.add(Report(thread_id=report.id, category="Street lights", lat=51.5, lon=-0.1, postcode="NW1 0NE",
                        location_source="photo", reporter_name="REPORTER-NAME-CANARY Pat"))
        photo = b"\xff\xd8\xff\xe1 Exif PHOTO-EXIF-CANARY owner@photo-canary.example \xff\xd9"  # not a picture
        self.add(ReportPhoto(thread_id=report.id, filename="IMG_PHOTO-EXIF-CANARY.jpg", content_type="image/jpeg",
                             size=len(photo), sha256=put_blob(self.blob_dir, photo)))
        tagged = tagged_jpeg()
        self.ids["report_photo"] = self.add(ReportPhoto(
            thread_id=report.id, filename="REPORTER-NAME-CANARY.jpg", content_type="image/jpeg", size=len(tagged),
            sha256=put_blob(self.blob_dir, tagged))).id
        self.add(ReportStateChange(thread_id=report.id, state="open", source="reporter", at=when(5)),
                 ReportStateChange(thread_id=report.id, state="fixed", source="council", message_id=update.id,
                                   at=when(2)))
        # A report placed by postcode (WRONG PLACE, say) whose row still holds its photo's GPS position: only
        # the postcode is public, never that position.
        by_postcode = self.add(Thread(kind="report", title="Fly-tipping behind the library", state="open",
                                      counterpart_id=camden.id, citizen_email="lee@private.example",
                                      created_at=when(3), sent_at=when(3), last_activity_at=when(3)))
        self.ids["report_postcode"] = by_postcode.id
        self.add(message(by_postcode, 57, "outgoing", "request", "Bags of rubbish dumped.", from_name="The reporter"))
        self.add(Report(thread_id=by_postcode.id, category="Fly-tipping", lat=PHOTO_GPS[0], lon=PHOTO_GPS[1],
                        postcode="NW1 0NE", location_source="postcode", reporter_name="REPORTER-NAME-CANARY Lee"),
                 ReportPhoto(thread_id=by_postcode.id, filename="rubbish.jpg", content_type="image/jpeg",
                             size=len(tagged), sha256=put_blob(self.blob_dir, tagged)),
                 ReportStateChange(thread_id=by_postcode.id, state="open", source="reporter", at=when(3)))

        for title, extra in (("HIDDEN-THREAD", {"hidden": True}), ("NOT-PUBLIC-THREAD", {"public": False}),
                             ("UNCONFIRMED-THREAD", {"state": "awaiting_confirmation"})):
            row = self.add(Thread(kind="foi", title=title, counterpart_id=camden.id,
                                  state=extra.pop("state", "waiting_response"), **extra))
            self.add(message(row, 30, "outgoing", "request", title + " body"))
            self.ids[title] = row.id
        for n, replied in enumerate((True, True, False)):
            letter = self.add(Thread(kind="letter", title=f"LETTER-CONTENT {n}", state="sent", counterpart_id=mp.id,
                                     citizen_name="LETTER-CONSTITUENT-NAME", citizen_email="voter@private.example",
                                     public=n == 2))  # letters are private; even one marked public is not shown
            self.add(Letter(thread_id=letter.id, postcode="LETTER-POSTCODE", postal_address="LETTER-POSTAL-ADDRESS"))
            self.add(message(letter, 10, "outgoing", "request", "LETTER-CONTENT dear MP",
                             from_name="LETTER-CONSTITUENT-NAME"))
            if replied:
                self.add(message(letter, 11, "incoming", "reply", "LETTER-CONTENT thanks"))
            self.add(LetterFingerprint(thread_id=letter.id, counterpart_id=mp.id, writer_key=f"WRITER-KEY-CANARY{n}",
                                       hashes="FINGERPRINT-CANARY 1f 2e"))
        held = self.add(Thread(kind="letter", title="LETTER-CONTENT held", state="held", counterpart_id=mp.id,
                               citizen_name="LETTER-CONSTITUENT-NAME", citizen_email="voter@private.example",
                               body="LETTER-CONTENT held copy", public=False))
        self.add(LetterFingerprint(thread_id=held.id, counterpart_id=mp.id, writer_key="WRITER-KEY-CANARY-held",
                                   hashes="FINGERPRINT-CANARY", similar_to=held.id - 1, score=0.9))
        self.add(LetterAllowedSender(address="writer@allow-canary.example", note="ALLOWLIST-NOTE-CANARY"))
        for state in ("expired", "bounced"):  # never reached the MP: not a letter they could answer
            self.add(Thread(kind="letter", title="LETTER-CONTENT never delivered", state=state, counterpart_id=mp.id,
                            citizen_name="LETTER-CONSTITUENT-NAME", citizen_email="voter@private.example",
                            public=False))
        subscriber = self.add(Subscriber(email="reader@subscriber-canary.example"))
        self.add(Alert(subscriber_id=subscriber.id, target="search", value="subscribedwordcanary pothole",
                       label="SUBSCRIBEDWORDCANARY pothole", frequency="daily", state="active",
                       confirmed_at=when(60), expires_at=when(60)))
        self.add(Alert(subscriber_id=subscriber.id, target="thread", value=str(report.id), label="ALERT-LABEL-CANARY",
                       frequency="weekly", state="pending", expires_at=when(60)))
        self.add(AlertSent(subscriber_id=subscriber.id, message_id=reply.id))
        raw = self.add(InboundMessage(mail_from="x@y.example", rcpt_to=["nobody@archive.test"],
                                      raw=b"RAW-BYTES HELD-IN-PEN", size=21))
        self.add(HeldMessage(inbound_id=raw.id, recipient="nobody@archive.test", reason="HELD-IN-PEN"))
        return self

    def add_canaries(self, reply: ThreadMessage, bounce: ThreadMessage) -> dict[str, int]:
        """Released files whose bytes carry what their public text does not (as redaction left it): a text
        file, a CSV, a delivery report's status part, and a binary file with an address in it; and a photo."""
        files = {
            "canary_txt": (reply, "notes.txt", "text/plain",
                           b"Call TXT-ATTACHMENT-CANARY on 020 7946 0018 or write to txt@camden-canary.example\n",
                           "Call [name] on [phone number] or write to [email address]"),
            "canary_csv": (reply, "contacts.csv", "text/csv",
                           b"name,email\nCSV-ATTACHMENT-CANARY,csv@camden-canary.example\n",
                           "name,email\n[name],[email address]"),
            "canary_dsn": (bounce, "attachment-2.txt", "message/delivery-status",
                           b"Reporting-MTA: dns; mx.camden.example\n\n"
                           b"Final-Recipient: rfc822; DSN-ATTACHMENT-CANARY@camden-canary.example\nAction: failed\n",
                           "Reporting-MTA: dns; mx.camden.example\n\nFinal-Recipient: rfc822; [email address]\nAction: failed"),
            "canary_binary": (reply, "scan.pdf", "application/pdf",
                              b"%PDF-1.4 BINARY-ATTACHMENT-CANARY bin@camden-canary.example %%EOF\n", ""),
            # a real photo with every metadata block (tests/archive/tagged_images.py): only its pixels are published
            "photo": (reply, "photo.jpg", "image/jpeg", tagged_jpeg(), ""),
        }
        ids = {}
        for key, (owner, name, content_type, data, public_text) in files.items():
            ids[key] = self.add(Attachment(message_id=owner.id, filename=name, public_filename=name,
                                           content_type=content_type, size=len(data),
                                           sha256=put_blob(self.blob_dir, data), text=data.decode("latin-1"),
                                           public_text=public_text)).id
        return ids


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path).populate()


@pytest.fixture
def site(store, tmp_path):
    """The archive built from the store (without search, for speed); tests that need Pagefind build their own."""
    from web_archive.build import build_site

    out = tmp_path / "site"
    build_site(store.config, out, full=True, search=False, today=TODAY, progress=False)
    return out


def all_files(root: Path):
    return sorted(p for p in root.rglob("*") if p.is_file())
