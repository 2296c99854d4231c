"""The CLI's surface does not change by accident: `--help` of every command and group, snapshotted.

After a deliberate change, rewrite the snapshot with
`MAILGATE_UPDATE_SNAPSHOT=1 python -m pytest tests/spine/test_cli_surface.py`.
"""
from __future__ import annotations

import os

import click
from click.testing import CliRunner

from mailgate.cli import cli
from tests.conftest import DATA

SNAPSHOT = DATA / "cli" / "help.txt"


def every_command(group: click.Group, path: tuple[str, ...] = ()):
    yield path, group
    for name in sorted(group.commands):
        command = group.commands[name]
        if isinstance(command, click.Group):
            yield from every_command(command, path + (name,))
        else:
            yield path + (name,), command


def help_texts() -> str:
    runner = CliRunner()
    parts = []
    for path, _ in every_command(cli):
        result = runner.invoke(cli, [*path, "--help"], prog_name="mailgate", terminal_width=100)
        assert result.exit_code == 0, result.output
        parts.append(f"$ mailgate {' '.join(path)} --help\n{result.output}")
    return "\n".join(parts)


def test_every_help_text_is_unchanged():
    text = help_texts()
    if os.environ.get("MAILGATE_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text()
    assert text.count("$ mailgate") >= 20  # every group was walked, not only the top
