"""Control characters from strangers break neither the Atom feeds nor an operator's terminal."""
from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from mailgate.runtime.configs import archive_config
from tests.harness import make_request
from tests.spine.test_cli import cli  # noqa: F401  (the fixture)
from web_archive.build import build_site

ESCAPES = b"\x1b[2J\x1b]0;owned\x07\x0c"  # clear the screen, retitle the window, a form feed


def test_a_subject_with_control_characters_leaves_the_feeds_valid(service, tmp_path):
    thread = make_request(service)
    address = service.context.addresses.authority_facing(thread.id)
    service.send(b"From: Clerk <clerk@ambridge-parish.example>\r\nSubject: Re: verges " + ESCAPES +
                 b"\r\n\r\nTwice a year." + ESCAPES + b"\r\n", "clerk@ambridge-parish.example", [address])
    service.wait_idle()
    site = tmp_path / "site"
    build_site(archive_config(service.settings), site, search=False, progress=False)
    for feed in [site / f"thread/{thread.id}/feed.atom", site / "feed.atom"]:
        root = ElementTree.parse(feed).getroot()  # raises on invalid XML
        assert root.tag.endswith("feed")


def test_holding_pen_list_shows_escape_codes_as_text(service, cli):  # noqa: F811
    service.send(b"From: prankster@example.org\r\nSubject: hello " + ESCAPES + b"\r\n\r\nhi\r\n",
                 "prankster@example.org", [f"postmaster@{service.settings.domain}"])
    service.wait_idle()
    listed = cli("holding-pen", "list", MAILGATE_DATABASE_URL=service.settings.database_url).stdout
    assert "hello" in listed and "\x1b" not in listed and "\x07" not in listed and "\\x1b" in listed
