"""A `status:` line classifies; any other text in the same mail stays on the thread as the
requester's note and is never sent to the authority (a forged or careless classification
must not also write to the authority in the requester's name)."""
from __future__ import annotations

from tests.foi.test_rules import CITIZEN, citizen_mail, make_thread, messages


def test_text_beside_a_status_line_is_a_note_not_a_follow_up(service, relay):
    thread = make_thread(service)
    to_authority = len(relay.to("clerk@ambridge-parish.example"))
    citizen_mail(service, thread.id, "status: successful\n\nThanks, that is all I needed. Please also send X.")
    assert len(relay.to("clerk@ambridge-parish.example")) == to_authority
    note = messages(service, thread.id)[-1]
    assert (note.kind, note.direction) == ("note", "incoming")
    assert "that is all I needed" in note.public_body and "status:" not in note.public_body
    assert note.from_address == CITIZEN
