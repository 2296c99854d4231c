"""Resource limits: zip bombs, 10,000 parts, deep nesting, size, text and time budgets all end with a note."""
from __future__ import annotations

import base64
import io
import time
import zipfile

from processors.understanding import Limits, understand
from tests.understanding.understanding_helpers import mail


def _with_attachment(name: str, ctype: str, data: bytes) -> bytes:
    body = (f"--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: {ctype}; name={name}\n"
            f"Content-Disposition: attachment; filename={name}\nContent-Transfer-Encoding: base64\n\n").encode()
    body += base64.encodebytes(data) + b"\n--b--\n"
    return mail(body, content_type='multipart/mixed; boundary="b"')


def _bomb(size: int = 100 * 1024 * 1024) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * size)
    return buf.getvalue()


def test_a_zip_bomb_of_100_mb_of_zeros_is_not_expanded_and_says_why():
    start = time.monotonic()
    u = understand(_with_attachment("bomb.zip", "application/zip", _bomb()))
    assert time.monotonic() - start < 5
    [att] = u.attachments
    assert "likely zip bomb" in att.note and any("zip bomb" in n for n in u.notes)


def test_a_docx_that_is_really_a_zip_bomb_is_not_opened():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<w:document>" + b" " * (50 * 1024 * 1024) + b"</w:document>")
    [att] = understand(_with_attachment("bomb.docx", "application/octet-stream", buf.getvalue())).attachments
    assert att.text is None and "text extraction skipped" in att.note


def test_zip_in_zip_stops_at_the_depth_limit():
    data = b"inner text"
    for level in range(15):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(f"level{level}.zip" if level else "deep.txt", data)
        data = buf.getvalue()
    u = understand(_with_attachment("nest.zip", "application/zip", data), limits=Limits(max_depth=5))
    assert any("nesting deeper than 5 levels" in n for n in u.notes)
    assert u.attachments[-1].note.startswith("not opened: nested deeper than 5 levels")
    assert not any(a.filename == "deep.txt" for a in u.attachments)


def test_a_message_of_10000_parts_reads_the_first_500_and_notes_the_rest():
    parts = "".join(f"--b\nContent-Type: text/plain\n\npart {i}\n" for i in range(10_000))
    u = understand(mail(parts + "--b--\n", content_type='multipart/mixed; boundary="b"'))
    assert any(n.startswith("part limit 500 reached") for n in u.notes)
    assert "part 0" in u.body_text and "part 9999" not in u.body_text


def test_multiparts_nested_60_deep_are_read_to_the_depth_limit_with_a_note():
    inner = "Content-Type: text/plain\n\ndeep inside\n"
    for d in range(60):
        inner = f"Content-Type: multipart/mixed; boundary=b{d}\n\n--b{d}\n{inner}\n--b{d}--\n"
    u = understand(("From: a@b.example\nSubject: deep\nMIME-Version: 1.0\n" + inner).encode())
    assert any("nesting deeper than 10 levels" in n for n in u.notes)
    assert not u.parse_failed


def test_forwarded_messages_nested_60_deep_end_with_a_note():
    inner = "From: x@y.example\nSubject: bottom\nContent-Type: text/plain\n\ndeep\n"
    for d in range(60):
        inner = (f"From: x@y.example\nSubject: level {d}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m{d}\n\n"
                 f"--m{d}\nContent-Type: text/plain\n\nlevel {d}\n--m{d}\nContent-Type: message/rfc822\n\n{inner}\n--m{d}--\n")
    u = understand(inner.encode())
    assert u.body_text == "level 59"
    assert any("nesting deeper than 10 levels" in n for n in u.notes)


def test_attachments_beyond_the_total_size_limit_are_dropped_with_a_note():
    u = understand(_with_attachment("big.bin", "application/octet-stream", b"x" * 5000),
                   limits=Limits(max_total_attachment_bytes=1000))
    assert u.attachments == [] and any("attachment size limit reached" in n for n in u.notes)


def test_extracted_text_is_clipped_at_the_text_limit():
    [att] = understand(_with_attachment("long.txt", "text/plain", b"word " * 10_000),
                       limits=Limits(max_extracted_text_chars=1000)).attachments
    assert len(att.text) <= 1000 and att.note == "text extraction stopped: text limit"


def test_a_spent_time_budget_skips_extraction_with_a_note():
    import binary_fixtures as fx

    u = understand(_with_attachment("a.pdf", "application/pdf", fx.pdf(["hello"])), limits=Limits(max_seconds=0.0))
    assert any("time limit" in n for n in u.notes) or any(a.note and "time limit" in a.note for a in u.attachments)
