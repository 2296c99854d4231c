"""Parsing with long base64 runs left in the message's bytes reads every real message the same.

processors/understanding/lean_parse.py replaces each run of base64 lines by one line naming
it before the stdlib parser sees the message, and decodes base64 parts from the run in place.
Here every real message in tests/data is understood twice: with every run of any length
replaced (the harshest case: a text line of one word is such a run too), and with none; the
two must agree in everything (headers, body, quotes, kind, notes, each attachment's bytes).
"""
from __future__ import annotations

import base64
import email
import email.policy
from pathlib import Path

import pytest

from processors.understanding import understand
from processors.understanding.lean_parse import parse_lean
from processors.understanding.mime_parse import payload_bytes
from processors.understanding.model import Limits

DATA = Path(__file__).resolve().parent.parent / "data"
REAL_MESSAGES = sorted(p for p in DATA.rglob("*") if p.suffix in (".eml", ".msg", ".txt") and p.is_file()
                       and p.stat().st_size < 2_000_000 and b":" in p.read_bytes()[:2000])


def test_the_corpus_is_there():
    assert len(REAL_MESSAGES) > 150


@pytest.mark.parametrize("path", REAL_MESSAGES, ids=lambda p: str(p.relative_to(DATA)))
def test_a_real_message_is_understood_the_same_with_its_base64_runs_left_in_place(path):
    raw = path.read_bytes()
    every_run = understand(raw, limits=Limits(detach_base64_bytes=1, max_seconds=600))
    no_run = understand(raw, limits=Limits(detach_base64_bytes=len(raw) + 1, max_seconds=600))
    assert every_run == no_run


def test_a_base64_part_is_decoded_from_the_message_itself_and_everything_else_is_put_back():
    blob = bytes(range(256)) * 400
    encoded = base64.encodebytes(blob).replace(b"\n", b"\r\n")
    forwarded = (b"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                 + encoded)
    raw = (b"Subject: runs\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
           + encoded + b"--b\r\nContent-Type: text/plain\r\n\r\n" + encoded
           + b"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + encoded
           + b"--b\r\n" + forwarded + b"--b--\r\n")
    lean = parse_lean(raw, detach_bytes=1024)
    stdlib = email.message_from_bytes(raw, policy=email.policy.compat32)
    text, binary, attached = lean.get_payload()
    assert lean.preamble == stdlib.preamble and encoded.decode().strip() in lean.preamble  # put back
    assert text.get_payload() == stdlib.get_payload(0).get_payload()  # put back: a text body
    assert binary.get_payload() != stdlib.get_payload(1).get_payload()  # left in place, and decoded from there
    assert payload_bytes(binary, []) == blob == payload_bytes(stdlib.get_payload(1), [])
    inner = attached.get_payload(0)  # inside an attached message: put back (it may be written out whole)
    assert inner.as_bytes() == stdlib.get_payload(2).get_payload(0).as_bytes()
