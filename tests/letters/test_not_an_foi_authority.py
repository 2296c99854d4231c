"""A representative shares the counterpart table with authorities, but is not one: an FOI request to an
MP's slug is refused (MPs are not public authorities under the FOI Act), and MPs are not suggested."""
from __future__ import annotations


def test_an_foi_request_to_a_representative_is_refused_and_none_is_suggested(members, tmp_path):
    body = tmp_path / "body.txt"
    body.write_text("Please send me your diary.\n")
    out = members("foi", "new", "--authority", "alys-prydderch", "--name", "Ann", "--email", "ann@example.org",
                  "--title", "Diary", "--body-file", body, expect=1).output
    assert "no authority with slug 'alys-prydderch' (close matches: none)" in out
