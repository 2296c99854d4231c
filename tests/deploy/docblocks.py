"""The shell blocks of docs/deploy.md that the tests run as written (each marked `<!-- tested: NAME -->`)."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

DEPLOY_DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
_TESTED_BLOCK = re.compile(r"<!-- tested: ([a-z-]+) -->\n```sh\n(.*?)\n```", re.DOTALL)


def tested_blocks() -> dict[str, str]:
    return {name: script for name, script in _TESTED_BLOCK.findall(DEPLOY_DOC.read_text())}


def run_block(name: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run one block with bash (stop at the first failing command), the doc's variables set."""
    script = tested_blocks()[name]
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], env=os.environ | variables,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"docs/deploy.md block {name!r} failed:\n{done.stdout}\n{done.stderr}"
    return done
