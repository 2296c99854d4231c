"""Parse a message with the stdlib's forgiving parser, without a copy of its large base64 bodies.

`email.message_from_bytes` costs about eight times a message's size at its peak: the text of
the whole message, a UCS-4 buffer of that text (its StringIO), a string per line, then each
part's payload joined from its lines. For a letter with a 24 MB scan that was about 190 MB of
Python objects before the attachment was even decoded (docs/performance.md, "Large DATA").

Here the same parser (so the same tree, defects and repairs) is fed the message in chunks, and
each long run of base64 lines is first replaced by one line naming it: a line of the same kind
(letters and digits only), so the parser cannot tell the difference (a base64 line is never a
header, a boundary or blank). Once parsed, a base64 leaf part keeps its run where it is, in the
caller's bytes, and `payload_bytes` decodes it from there (mime_parse.py); anywhere else (a text
body that happens to hold such lines, a preamble, anything inside an attached message, which
may be written back out with `as_bytes`) the run's own text is put back as it was.
"""
from __future__ import annotations

import email.feedparser
import email.policy
import re
import secrets
from email.message import Message

DETACH_BYTES = 64 * 1024  # a shorter run of base64 lines is parsed as it is: copying it costs little
FEED_BYTES = 64 * 1024  # what the parser is fed at a time (its text, not the whole message's)
# Non-empty lines of base64's alphabet, each with its line end as the parser reads them (a lone CR
# ends a line too). Possessive: no backtracking state kept per line (the plain `+` kept about
# 60 MB for a 24 MB run).
_BASE64_LINES = re.compile(rb"^(?:[A-Za-z0-9+/=]+(?:\r\n|\r|\n))++", re.M)


def parse_lean(raw: bytes, detach_bytes: int = DETACH_BYTES) -> Message:
    """What `email.message_from_bytes(raw, policy=compat32)` gives, holding `raw`'s long base64
    runs once (in `raw`, kept alive by the parts that point into it)."""
    view = memoryview(raw)
    runs = [(m.start(), m.end()) for m in _BASE64_LINES.finditer(raw) if m.end() - m.start() >= detach_bytes]
    if not runs:
        return _parse_in_chunks(raw)
    prefix = _unused_prefix(raw)
    pieces: list[bytes | memoryview] = []
    last = 0
    for index, (start, end) in enumerate(runs):
        line_end = b"\r\n" if raw[end - 2:end] == b"\r\n" else raw[end - 1:end]
        pieces += [view[last:start], f"{prefix}{index}".encode() + line_end]
        last = end
    pieces.append(view[last:])
    msg = _parse_in_chunks(b"".join(pieces))
    del pieces
    # A marker, and the line end it had in the text the parser was given (if the parser kept it).
    _settle(msg, re.compile(re.escape(prefix) + r"(\d+)(\r\n|\r|\n)?"), [view[start:end] for start, end in runs])
    return msg


def detached_body(part: Message, payload: bytes) -> bytes | memoryview:
    """A base64 part's body as the parser saw it (`payload`, raw bytes), with its runs in place:
    the run itself, uncopied, when nothing but white space surrounds it (base64 decoding skips
    white space), else the whole body put back together."""
    detached: tuple[re.Pattern[bytes], list[memoryview]] | None = getattr(part, "mailgate_runs", None)
    if detached is None:
        return payload
    marker, runs = detached
    found = list(marker.finditer(payload))
    if len(found) == 1 and not payload[:found[0].start()].strip() and not payload[found[0].end():].strip():
        return runs[int(found[0].group(1))]
    return marker.sub(lambda m: _run_for(m.group(2) is not None, runs[int(m.group(1))]), payload)


def _parse_in_chunks(raw: bytes) -> Message:
    # What BytesParser does (each byte to one character, non-ASCII surrogate-escaped), chunk by chunk.
    parser = email.feedparser.BytesFeedParser(policy=email.policy.compat32)
    for offset in range(0, len(raw), FEED_BYTES):
        parser.feed(raw[offset:offset + FEED_BYTES])
    return parser.close()


def _unused_prefix(raw: bytes) -> str:
    """Letters and digits that occur nowhere in the message: markers cannot be mistaken for content."""
    while True:
        prefix = f"MAILGATERUN{secrets.token_hex(8).upper()}N"
        if prefix.encode() not in raw:
            return prefix


def _settle(msg: Message, marker: re.Pattern[str], runs: list[memoryview]) -> None:
    """Leave each run in a base64 leaf part that nothing writes back out; put it back everywhere else."""
    def put_back(text: str) -> str:
        return marker.sub(lambda m: _run_for(m.group(2) is not None, runs[int(m.group(1))]).decode("ascii"), text)

    stack: list[tuple[Message, bool]] = [(msg, False)]
    while stack:
        part, inside_a_message = stack.pop()
        for name in ("preamble", "epilogue"):
            text = getattr(part, name, None)
            if isinstance(text, str) and marker.search(text):
                setattr(part, name, put_back(text))
        payload = part._payload  # type: ignore[attr-defined]  # compat32 keeps the raw text there
        maintype = _maintype(part)
        if isinstance(payload, list):
            inside = inside_a_message or maintype == "message"
            stack.extend((child, inside) for child in payload if isinstance(child, Message))
        elif isinstance(payload, str) and marker.search(payload):
            cte = str(part.get("content-transfer-encoding", "") or "").strip().lower()
            if "base64" in cte and maintype not in ("multipart", "message") and not inside_a_message:
                part.mailgate_runs = (re.compile(marker.pattern.encode()), runs)  # type: ignore[attr-defined]
            else:
                part._payload = put_back(payload)  # type: ignore[attr-defined]


def _run_for(with_line_end: bool, run: memoryview) -> bytes:
    """A run's bytes in place of its marker. The parser drops the line end before a boundary
    (it belongs to the boundary): a marker found without one stands for the run without its own."""
    if with_line_end:
        return bytes(run)
    cut = 2 if run[-2:] == b"\r\n" else 1
    return bytes(run[:-cut])


def _maintype(part: Message) -> str:
    try:
        return part.get_content_maintype()
    except Exception:  # noqa: BLE001 - a header the stdlib cannot read: not one we detach from
        return "message"
