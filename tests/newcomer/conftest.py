"""The real `mailgate` command run in a folder of the test's choosing, with no MAILGATE_* variable
but those the test gives: how a newcomer's shell finds (or does not find) the store."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def mailgate_in():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")}

    def run(folder: Path, *args: str, expect: int = 0, **env: str) -> subprocess.CompletedProcess:
        folder.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([sys.executable, "-m", "mailgate", *args], cwd=folder, env=clean | env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == expect, f"exit {result.returncode}: {result.stdout}{result.stderr}"
        assert "Traceback" not in result.stderr
        return result
    return run
