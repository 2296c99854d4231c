"""Helpers for the mail-understanding tests: the real-mail corpus on disk and a tiny message builder."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "realmail"
if str(CORPUS) not in sys.path:
    sys.path.insert(0, str(CORPUS))  # the corpus generator's binary fixtures (PDF, DOCX, TNEF…)


def eml(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def mail(body: str | bytes, *, headers: str = "", content_type: str = "text/plain; charset=utf-8",
         subject: str = "Re: FOI request", frm: str = "Sarah Bennett <foi@hants-cc.example.gov.uk>") -> bytes:
    head = (f"From: {frm}\nTo: Jane Doe <request-1201-5f3a9c2e@foi.example>\nSubject: {subject}\n"
            f"Date: Mon, 4 Mar 2024 10:15:00 +0000\nMessage-ID: <t1@hants-cc.example.gov.uk>\nMIME-Version: 1.0\n"
            f"Content-Type: {content_type}\n{headers}")
    if not head.endswith("\n"):
        head += "\n"
    data = body.encode("utf-8") if isinstance(body, str) else body
    return head.encode("utf-8") + b"\n" + data
