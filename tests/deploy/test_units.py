"""The systemd units shipped in deploy/systemd/ pass `systemd-analyze verify`.

The units name the install path of docs/deploy.md (/opt/mailgate/.venv); verify checks
that the program exists, so the copy checked here names this checkout's mailgate instead.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
INSTALLED = "/opt/mailgate/.venv/bin/mailgate"


def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # not installed by the test setup: the systemd package is large for a container
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    mailgate = Path(sys.executable).parent / "mailgate"
    units = sorted(UNITS.glob("*.service")) + sorted(UNITS.glob("*.timer"))
    assert {unit.name for unit in units} >= {"mailgate.service", "mailgate-worker.service",
                                             "mailgate-archive.service", "mailgate-archive.timer"}
    for unit in units:
        text = unit.read_text()
        assert unit.suffix == ".timer" or INSTALLED in text, unit
        (tmp_path / unit.name).write_text(text.replace(INSTALLED, str(mailgate)))
    done = subprocess.run([analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
