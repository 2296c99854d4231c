"""Copy flufl.bounce's real non-DSN bounces into this folder and write their manifest entries.

    pip download --no-deps --no-binary :all: flufl.bounce==6.0.0 && tar xzf flufl_bounce-6.0.0.tar.gz
    python tests/data/bounces/collect.py flufl_bounce-6.0.0

The expected failed addresses and permanence are flufl.bounce's own, read from its
tests/test_detectors.py; RFC 3464 reports (a message/delivery-status part) are left out, and so
is caiwireless_01.txt, which its tests say was rebuilt after the real samples were lost.
Entries from other sources in manifest.json (added by hand, each with its provenance) and its "about" are kept.
"""
from __future__ import annotations

import ast
import email
import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSION = "6.0.0"
SOURCE = (f"flufl.bounce {VERSION} (PyPI sdist flufl_bounce-{VERSION}.tar.gz), tests/data/{{name}}, Apache-2.0 "
          "(samples collected by GNU Mailman from real bounces, addresses anonymised upstream)")
NOT_REAL = {"caiwireless_01.txt"}
# Samples flufl.bounce's tests hold but do not label with an address: what they are, and why.
LABELLED_HERE = {
    "dumbass_01.txt": ({"kind": "bounce", "failed": [], "permanent": True},
                       "InterScan VirusWall NT notice; test_scan_unrecognized: no address is in it; 'Exceeded Maximum "
                       "Delivery Attempts' is a final failure"),
    "groupwise_03.txt": ({"kind": "human"}, "test_detectors: 'Not a bounce but has confused groupwise' (a person's reply)"),
    "qmail_08.txt": ({"kind": "auto_reply"}, "test_detectors: no address; an autoresponder's 'Auto reply'"),
}


def expectations(sdist: Path) -> dict[str, tuple[str, list[str], bool]]:
    source = (sdist / "tests" / "test_detectors.py").read_text()
    table = ast.literal_eval(re.search(r"^DETECTORS = (\[.*?\n\])", source, re.S | re.M).group(1))
    found: dict[str, tuple[str, list[str], bool]] = {}
    for detector, name, addresses, temporary in table:
        if addresses:  # groupwise_02.txt: groupwise finds nothing, exchange finds the address
            found[name] = (detector, [a.decode().lower() for a in addresses], temporary)
    return found


def is_dsn(raw: bytes) -> bool:
    return any(p.get_content_type() in ("message/delivery-status", "message/global-delivery-status")
               for p in email.message_from_bytes(raw).walk())


def main(sdist: Path) -> None:
    manifest_path = HERE / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"about": "", "messages": {}}
    messages = {k: v for k, v in manifest["messages"].items() if not k.startswith("flufl.bounce/")}
    (HERE / "flufl.bounce").mkdir(exist_ok=True)
    labelled = expectations(sdist)
    for path in sorted((sdist / "tests" / "data").glob("*.txt")):
        raw = path.read_bytes()
        if path.name in NOT_REAL or is_dsn(raw) or (path.name not in labelled and path.name not in LABELLED_HERE):
            continue
        if path.name in labelled:
            detector, failed, temporary = labelled[path.name]
            entry = {"kind": "bounce", "failed": sorted(failed), "permanent": not temporary,
                     "expected_from": f"tests/test_detectors.py ({detector})"}
        else:
            label, why = LABELLED_HERE[path.name]
            entry = label | {"expected_from": why}
        shutil.copyfile(path, HERE / "flufl.bounce" / path.name)
        messages[f"flufl.bounce/{path.name}"] = entry | {"provenance": SOURCE.format(name=path.name)}
    manifest["messages"] = dict(sorted(messages.items()))
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
