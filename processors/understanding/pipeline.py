"""`understand(raw)`: run parse, body choice, attachments, classification and quote folding on one message."""
from __future__ import annotations

import re
import traceback
from datetime import datetime, timezone
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from processors.understanding.flanker_quiet import address as flanker_address

from .attachments import AttachmentReader
from .budget import Budget
from .charsets import header_str
from .classify import classify, loop_risk
from .mime_parse import Walked, parse_bytes, walk
from .model import Limits, Understood
from .quotes import fold_quotes

_MSGID = re.compile(r"<([^<>\s]+)>")


def understand(raw: bytes, *, envelope_from: str | None = None, limits: Limits | None = None,
               spam_threshold: float = 5.0) -> Understood:
    """Everything we can tell about one inbound message. Never raises."""
    result = Understood()
    try:
        _understand(raw, envelope_from, limits or Limits(), spam_threshold, result)
    except RecursionError:
        result.notes.append("message nested too deeply to read")
        result.parse_failed = result.parse_failed or not (result.body_text or result.subject)
    except Exception as exc:  # noqa: BLE001 - the contract is: never raise, say what happened
        where = traceback.extract_tb(exc.__traceback__)[-1]
        result.notes.append(f"reading stopped by {type(exc).__name__} at {where.name}:{where.lineno}: {str(exc)[:200]}")
        result.parse_failed = result.parse_failed or not (result.body_text or result.subject or result.from_address)
    if not result.new_text and result.body_text and not result.quoted_text:
        result.new_text = result.body_text
    return result


def _understand(raw: bytes, envelope_from: str | None, limits: Limits, spam_threshold: float, out: Understood) -> None:
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raw = str(raw).encode("utf-8", "surrogateescape")
    raw = bytes(raw)
    if not raw or raw.isspace():  # not raw.strip(): that is a copy of the whole message
        out.parse_failed = True
        out.notes.append("empty message")
        return
    budget = Budget(limits)
    msg = parse_bytes(raw, limits.detach_base64_bytes)
    _read_headers(msg, out, budget.notes)
    walked = Walked()
    try:
        walk(msg, budget, 0, walked)
    except RecursionError:
        budget.note("message nested too deeply to read completely")
    body = walked.body()
    out.body_text = _tidy(body)
    reader = AttachmentReader(budget)
    for leaf in walked.leaves:
        if budget.out_of_time():
            budget.note("time limit reached: remaining attachments not read")
            break
        reader.read_leaf(leaf)
    out.attachments = reader.items
    if budget.parts_refused:
        budget.note(f"part limit {limits.max_parts} reached, {budget.parts_refused} parts not read")
    verdict = classify(msg, envelope_from=envelope_from, from_address=out.from_address, from_name=out.from_name,
                       subject=out.subject, body=out.body_text, spam_threshold=spam_threshold)
    out.kind, out.kind_reason, out.bounce = verdict.kind, verdict.reason, verdict.bounce
    out.loop_risk = loop_risk(msg, envelope_from, out.kind)
    if out.kind == "human" and len(out.body_text) < 500_000:
        out.new_text, out.quoted_text = fold_quotes(out.body_text)
    else:
        out.new_text, out.quoted_text = out.body_text, ""
    out.notes.extend(n for n in budget.notes if n not in out.notes)
    if not msg.keys() and not out.body_text.strip() and not out.attachments:
        out.parse_failed = True
        out.notes.append("no headers and no readable body: not an email message")
    elif not msg.keys() or not any(msg.get(h) for h in ("From", "To", "Subject", "Date", "Message-ID", "Received")):
        out.notes.append("no usual email headers found: read as a bare body")
        if not _printable(out.body_text) or _binary(raw):
            out.parse_failed = True
            out.notes.append("content is not readable text")


def _printable(text: str) -> bool:
    if not text.strip():
        return False
    sample = text[:4000]
    good = sum(ch.isprintable() or ch in "\n\t" for ch in sample)
    return good / len(sample) > 0.9 and "\ufffd" not in sample[:200]


def _binary(raw: bytes) -> bool:
    sample = raw[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13) or b == 127)
    return controls > len(sample) * 0.02


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = "\n".join(ln.rstrip() for ln in text.split("\n"))
    return re.sub(r"\n{4,}", "\n\n\n", text).strip("\n")


def _read_headers(msg: Message, out: Understood, notes: list[str]) -> None:
    out.subject = header_str(msg.get("Subject"), notes)
    out.message_id = _ids(msg.get("Message-ID"))[0] if _ids(msg.get("Message-ID")) else None
    if out.message_id is None and msg.get("Message-ID"):
        out.message_id = header_str(msg.get("Message-ID")).strip() or None
    out.in_reply_to = _ids(msg.get("In-Reply-To"))
    out.references = _ids(" ".join(str(v) for v in (msg.get_all("References") or [])))
    raw_from = header_str(msg.get("From"), notes)
    name, addr = _mailbox(raw_from)
    if not addr and "@" in raw_from:
        m = re.search(r"[^\s<>\"']+@[^\s<>\"']+", raw_from)
        addr = m.group(0) if m else ""
    out.from_name = header_str(name).strip().strip('"') if name else ""
    out.from_address = addr.strip().lower() or None
    out.to = _addresses(msg, "To", notes)
    out.cc = _addresses(msg, "Cc", notes)
    out.date = _date(msg.get("Date"), notes)


def _ids(value: object) -> list[str]:
    if not value:
        return []
    text = header_str(value)
    found = _MSGID.findall(text)
    if not found and text.strip() and " " not in text.strip():
        found = [text.strip().strip("<>")]
    seen: list[str] = []
    for f in found:
        if f not in seen:
            seen.append(f)
    return seen


def _mailbox(raw: str) -> tuple[str, str]:
    """(display name, address): flanker's RFC 5322 parser first, the stdlib's lenient one for what it rejects."""
    parsed = flanker_address.parse(raw) if raw else None
    if parsed is not None and parsed.addr_type == "email":
        return parsed.display_name, parsed.address
    return parseaddr(raw)


def _addresses(msg: Message, name: str, notes: list[str]) -> list[str]:
    values = [header_str(v, notes) for v in (msg.get_all(name) or [])]
    out: list[str] = []
    pairs: list[tuple[str, str]] = []
    for value in values:
        parsed, unparsed = flanker_address.parse_list(value, as_tuple=True)
        pairs += [(a.display_name, a.address) for a in parsed if a.addr_type == "email"]
        if unparsed:
            try:
                pairs += getaddresses(list(unparsed))
            except Exception:  # noqa: BLE001
                pass
    for _, addr in pairs:
        addr = addr.strip().lower()
        if "@" in addr and addr not in out:
            out.append(addr)
    return out


def _date(value: object, notes: list[str]) -> datetime | None:
    if not value:
        return None
    text = header_str(value)
    try:
        dt = parsedate_to_datetime(text)
    except Exception:  # noqa: BLE001
        dt = None
    if dt is None:
        notes.append(f"Date header unreadable: {text[:60]!r}")
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None
