"""Score bounce recognition over the real non-DSN bounce corpus (tests/data/bounces/manifest.json).

    python bench/bounces.py

Prints how many messages are read right (kind; for a bounce also the failed addresses and
whether it is final) and lists the others with what was read. The figures are in docs/safety.md.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from processors.understanding import understand  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "bounces"


def main() -> int:
    manifest = json.loads((CORPUS / "manifest.json").read_text())["messages"]
    right = 0
    for name, entry in manifest.items():
        understood = understand((CORPUS / name).read_bytes())
        bounce = understood.bounce if understood.kind == "bounce" else None
        got = (understood.kind, sorted(bounce.failed_recipients) if bounce else None, bounce.permanent if bounce else None)
        want = (entry["kind"], sorted(entry["failed"]), entry["permanent"]) if entry["kind"] == "bounce" \
            else (entry["kind"], None, None)
        if got == want:
            right += 1
        else:
            print(f"  {name}: read {got}, expected {want} ({understood.kind_reason})")
    bounces = sum(entry["kind"] == "bounce" for entry in manifest.values())
    print(f"{right} of {len(manifest)} read right ({bounces} bounces, {len(manifest) - bounces} not bounces)")
    return 0 if right == len(manifest) else 1


if __name__ == "__main__":
    sys.exit(main())
