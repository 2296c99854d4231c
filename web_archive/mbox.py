"""A redacted mbox per thread: the public text of each message, with names but no addresses."""
from __future__ import annotations

from email.utils import format_datetime

from web_archive.source import ThreadView, parse


def _header(value: str) -> str:
    return " ".join(value.split())  # no header injection through newlines


def _escape_from(text: str) -> str:
    """mboxrd quoting: a body line starting with "From " (after any ">") gets one more ">".

    >>> _escape_from("From here\\n>From there\\nFrom")
    '>From here\\n>>From there\\nFrom'
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.lstrip(">").startswith("From "):
            lines[i] = ">" + line
    return "\n".join(lines)


def thread_mbox(view: ThreadView) -> str:
    row = view.row
    parts = []
    for m in view.messages:  # in order of arrival, dated by it; the sender's own date rides along
        when = parse(m.arrived_at)
        sender_date = f"X-Mailgate-Sender-Date: {format_datetime(parse(m.sender_date))}\n" if m.sender_date else ""
        body = m.body
        if m.quoted:
            body += "\n\n" + "\n".join("> " + line for line in m.quoted.split("\n"))
        parts.append(
            f"From mailgate {when.strftime('%a %b %d %H:%M:%S %Y')}\n"
            f"From: {_header(m.from_name or m.direction)}\n"
            f"Date: {format_datetime(when)}\n"
            f"Subject: {_header(m.subject or row.title)}\n"
            f"X-Mailgate-Thread: {row.id}\n"
            f"X-Mailgate-Message: {m.id}\n"
            f"X-Mailgate-Kind: {m.kind}\n"
            f"{sender_date}"
            "MIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n\n"
            f"{_escape_from(body)}\n\n")
    return "".join(parts)
