"""Real bounces in their own formats (content filters, appliances, old MTAs: no RFC 3464 report)
are read as bounces, with the failed address and whether the failure is final; before, many
were shown on a thread as the authority's reply. The corpus and its provenance are in
tests/data/bounces/manifest.json."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from processors.understanding import understand
from tests.foi.test_rules import make_thread, messages

CORPUS = Path(__file__).resolve().parent.parent / "data" / "bounces"
MANIFEST: dict[str, dict] = json.loads((CORPUS / "manifest.json").read_text())["messages"]

def reading(name: str) -> tuple[str, list[str] | None, bool | None]:
    """What mailgate makes of one corpus message: (kind, failed addresses, permanent)."""
    understood = understand((CORPUS / name).read_bytes())
    if understood.kind != "bounce" or understood.bounce is None:
        return understood.kind, None, None
    return "bounce", sorted(understood.bounce.failed_recipients), understood.bounce.permanent


def expected(name: str) -> tuple[str, list[str] | None, bool | None]:
    entry = MANIFEST[name]
    if entry["kind"] != "bounce":
        return entry["kind"], None, None
    return "bounce", sorted(entry["failed"]), entry["permanent"]


def test_the_corpus_is_real_varied_and_accounted_for():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()} - {"manifest.json", "collect.py"}
    assert files == set(MANIFEST)
    assert all(entry["provenance"] and entry["expected_from"] for entry in MANIFEST.values())
    bounces = [name for name, entry in MANIFEST.items() if entry["kind"] == "bounce"]
    assert len(bounces) >= 30
    assert any(not MANIFEST[name]["permanent"] for name in bounces)  # delay warnings too
    assert len({name.split("/")[0] for name in bounces}) >= 2


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_a_real_bounce_in_its_own_format_is_read_right(name):
    assert reading(name) == expected(name)


def test_a_scanners_bounce_at_the_request_address_is_not_published_as_a_reply(service, relay):
    thread = make_thread(service)
    address = service.context.addresses.authority_facing(thread.id)
    raw = (CORPUS / "alaveteli" / "track-response-webshield-bounce.email").read_bytes()
    raw = raw.replace(b"To: <track@whatdotheyknow.com>", f"To: <{address}>".encode(), 1)
    raw = re.sub(rb"(?<!\r)\n", b"\r\n", raw)  # on the wire
    service.send(raw, "MAILER-DAEMON@mailproxy1.example.co.uk", [address])
    service.wait_idle()
    last = messages(service, thread.id)[-1]
    assert (last.direction, last.kind) == ("incoming", "bounce")
    citizen_mail = [m.message["Subject"] for m in relay.to("sam@citizen.example")]
    assert not any("New response" in subject for subject in citizen_mail)
    assert any("could not be delivered" in subject for subject in citizen_mail)
