"""The README's walk-through, pasted as a newcomer would (issue 11): its shell block(s) run with bash in
a folder laid out like a checkout (`.venv`, a `mailgate.toml`), against a real `mailgate serve` started
the way `make run` starts it, on an ephemeral port. The README promises that the authority's reply
lands in the thread and that Jo is told (`mailgate status` then says inbound done 1, outbox sent 3), and
the page with the reply is served at the archive URL that `serve` prints."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.harness import SAMPLE_AUTHORITIES, free_port
from tests.spine.test_serve import wait_for_port

README = Path(__file__).resolve().parents[2] / "README.md"


def walkthrough_blocks(readme: str) -> list[str]:
    """The ```sh blocks from the line that says "by hand" to the next heading (a `#` line outside a block)."""
    lines = readme.splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if re.search(r"\bby hand\b", line, re.I)), None)
    assert start is not None, "the README has no walk-through ('by hand')"
    blocks: list[str] = []
    block: list[str] | None = None
    for line in lines[start + 1:]:
        if block is None and line.startswith("#"):
            break
        if line.startswith("```"):
            if block is not None:
                blocks.append("".join(block))
                block = None
            elif line.strip() == "```sh":
                block = []
        elif block is not None:
            block.append(line)
    return blocks


def test_the_walkthrough_is_found_and_has_no_placeholder():
    blocks = walkthrough_blocks(README.read_text())
    assert blocks and any("mailgate foi new" in block for block in blocks)
    assert not any("\u2026" in block for block in blocks), "a literal ellipsis cannot be pasted (UnicodeEncodeError)"


def test_the_readme_walkthrough_pastes_and_works(tmp_path):
    venv = Path(sys.prefix)
    if not (venv / "bin" / "activate").exists():
        pytest.skip("the tests do not run in a virtualenv: the walk-through starts with `. .venv/bin/activate`")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / ".venv").symlink_to(venv)
    port, http_port = free_port(), free_port()
    (checkout / "mailgate.toml").write_text('home = "var"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")} | {
        "SMTP_PORT": str(port), "MAILGATE_SMTP": f"127.0.0.1:{port}", "MAILGATE_GATEWAY_PROCESSES": "1",
        "MAILGATE_HTTP": f"127.0.0.1:{http_port}"}
    mailgate = [sys.executable, "-m", "mailgate"]

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([*mailgate, *args], cwd=checkout, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done

    # what `make run` does
    run("db", "upgrade")
    run("import", "authorities", str(SAMPLE_AUTHORITIES))
    server = subprocess.Popen([*mailgate, "serve"], cwd=checkout, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_for_port(port)
        script = "set -euo pipefail\n" + "\n".join(walkthrough_blocks(README.read_text()))
        pasted = subprocess.run(["bash"], input=script, cwd=checkout, env=env, capture_output=True, text=True,
                                timeout=180)
        assert pasted.returncode == 0, f"the walk-through failed:\n{pasted.stdout}\n{pasted.stderr}"
        # the thread, with the authority's reply, at the archive URL serve prints (issue 11's "done means")
        assert f"open http://127.0.0.1:{http_port}/thread/1/ in your browser" in pasted.stdout, pasted.stdout
        status = {}
        for _ in range(120):  # processing is asynchronous: poll the store, at most 120 times
            status = json.loads(run("status", "--json").stdout)
            if status["inbound"]["done"] == 1 and status["outbox"]["sent"] == 3:
                break
            time.sleep(0.25)
        assert status["inbound"]["done"] == 1 and status["outbox"]["sent"] == 3, status
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    engine = sa.create_engine(f"sqlite:///{checkout / 'var' / 'mailgate.db'}")
    with engine.connect() as connection:
        kinds = connection.execute(sa.text("SELECT direction, kind FROM thread_message WHERE thread_id = 1 "
                                           "ORDER BY id")).all()
    engine.dispose()
    assert [tuple(k) for k in kinds] == [("outgoing", "request"), ("incoming", "reply")]
    told = [p.read_bytes() for p in (checkout / "var" / "outbox" / "new").iterdir()]
    assert any(b"jo@citizen.example" in mail and b"The libraries open 9-5" in mail for mail in told)
