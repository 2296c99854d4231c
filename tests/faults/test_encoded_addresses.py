"""The requester's address never reaches the archive, plain or encoded (URL, quoted-printable, HTML)."""
from __future__ import annotations

from mailgate.runtime.configs import archive_config
from tests.harness import make_request
from web_archive.build import build_site

FORMS = ("jo%40citizen.example", "jo=40citizen.example", "jo&#64;citizen.example", "jo&#x40;citizen.example",
         "jo&commat;citizen.example")


def test_encoded_forms_of_the_requesters_address_are_scrubbed(service, tmp_path):
    thread = make_request(service, email="jo@citizen.example")
    address = service.context.addresses.authority_facing(thread.id)
    body = "Our answer is attached. Unsubscribe: https://lists.example.gov/out?email=" + " or ".join(FORMS)
    service.send(f"From: Clerk <clerk@ambridge-parish.example>\r\nSubject: Re: verges\r\n\r\n{body}\r\n".encode(),
                 "clerk@ambridge-parish.example", [address])
    service.wait_idle()
    site = tmp_path / "site"
    build_site(archive_config(service.settings), site, search=False, progress=False)
    leaks = [f"{path.relative_to(site)}" for path in site.rglob("*") if path.is_file()
             and b"citizen.example" in path.read_bytes()]
    page = (site / f"thread/{thread.id}/index.html").read_text()
    assert "Our answer is attached" in page and leaks == []
