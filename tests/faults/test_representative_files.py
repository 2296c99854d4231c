"""Hostile Popolo files: huge, undecodable, deeply nested, NaN, and fields crafted to inject headers
(an email with CRLF and a Bcc:, a name with a line break) are refused, each with the file and the
JSON path to fix, and nothing is written. tracemalloc counts the bytes held; nothing is timed.
"""
from __future__ import annotations

import json
import tracemalloc

import pytest
from sqlmodel import select

from processors.letters import popolo
from store.authorities import ImportError_
from store.models import Counterpart

MB = 2**20


def test_a_50_mb_file_is_refused_before_a_byte_is_read(mailgate, tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as file:
        file.truncate(50 * MB)  # sparse: no disk space, no time
    tracemalloc.start()
    try:
        with pytest.raises(ImportError_) as refused:
            popolo.read_popolo(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MB
    assert f"{path}: 52,428,800 bytes is more than the 25,165,824 an import reads; import a file of the current " \
           "legislature only" in str(refused.value)
    assert "52,428,800 bytes" in mailgate("import", "representatives", path, expect=1).output


@pytest.mark.parametrize("content, message", [
    (b'{"persons": [{"id": "a", "name": "Caf\xe9"}]}', "not UTF-8 (byte 38): Popolo JSON must be UTF-8"),
    (b'{"persons": [', ":1: not JSON: Expecting value (column 14)"),
    (b'{"persons": [], "x": NaN}', "not Popolo JSON: NaN is not a value JSON allows"),
    (b'{"persons": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "not Popolo JSON: nested too deeply"),
])
def test_files_that_are_not_json_say_why(mailgate, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    assert message in mailgate("import", "representatives", path, expect=1).output


def test_header_injection_in_an_email_or_a_name_is_refused_by_its_path(mailgate, tmp_path):
    path = tmp_path / "crlf.json"
    path.write_text(json.dumps({"persons": [
        {"id": "a", "name": "Ann", "email": "ann@parliament.example\r\nBcc: everyone@victim.example"},
        {"id": "b", "name": "Bob\r\nBcc: x@victim.example", "email": "bob@parliament.example"},
        {"id": "c", "name": "Cy", "contact_details": [{"type": "email", "value": " cy@parliament.example\n"}]},
        {"id": "d", "name": "Di", "email": "di@parliament.example",
         "contact_details": [{"type": "address", "value": "1 Street\r\nTown\x1b[2J"}]},
        {"id": "e" * 201, "name": "Long Id"},
        {"id": "f", "name": "N" * 301}]}))
    out = mailgate("import", "representatives", path, expect=1).output
    assert f"{path}: persons[0].email: 'ann@parliament.example\\r\\nBcc: everyone@victim.example' is not an email " \
           "address" in out
    assert f"{path}: persons[1].name: contains the control character '\\n'" in out
    assert f"{path}: persons[2].contact_details[0].value: ' cy@parliament.example\\n' is not an email address" in out
    assert f"{path}: persons[3].contact_details[0].value: contains the control character '\\x1b'" in out
    assert f"{path}: persons[4].id: is 201 characters long; at most 200 are allowed" in out
    assert f"{path}: persons[5].name: is 301 characters long; at most 300 are allowed" in out
    with mailgate.session() as session:
        assert session.exec(select(Counterpart)).all() == []


def test_a_file_wrong_everywhere_is_named_not_printed_whole(mailgate, tmp_path):
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"persons": [{"id": str(i), "name": "X", "email": "bad"} for i in range(5000)]}))
    out = mailgate("import", "representatives", path, expect=1).output
    assert f"{path}: persons[199].email: 'bad' is not an email address" in out
    assert "persons[200].email" not in out
    assert f"{path}: … and 4800 more problems" in out
