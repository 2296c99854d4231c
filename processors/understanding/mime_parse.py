"""Walk a MIME tree however broken: pick the body text, list the attachment parts, decode payloads."""
from __future__ import annotations

import binascii
import email.errors
import email.utils
import quopri
import re
from dataclasses import dataclass, field
from email.message import Message

from .budget import Budget
from .charsets import decode_bytes, header_str, raw_bytes
from .html_text import html_to_text
from .lean_parse import DETACH_BYTES, detached_body, parse_lean


def parse_bytes(raw: bytes, detach_bytes: int = DETACH_BYTES) -> Message:
    """The forgiving stdlib parser (compat32 keeps going where stricter policies give up), fed so
    that base64 runs of `detach_bytes` or more are held once, in `raw` (lean_parse.py)."""
    if raw.startswith(b"From ") and b"\n" in raw[:1000]:
        # an mbox "From " envelope line in front of the headers
        first, _, rest = raw.partition(b"\n")
        if b":" not in first.split(b" ")[0]:
            raw = rest
    return parse_lean(raw, detach_bytes)


@dataclass
class LeafPart:
    """An attachment-like part found in the tree, with how deep it sat."""

    part: Message
    depth: int
    filename: str | None


@dataclass
class Walked:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    leaves: list[LeafPart] = field(default_factory=list)

    def body(self) -> str:
        plain = "\n\n".join(p.strip("\n") for p in self.plain if p.strip())
        if plain and not _is_html_stub(plain):
            return plain
        html = "\n\n".join(h for h in self.html if h.strip())
        return html or plain


_HTML_STUB = re.compile(
    r"^\s*(this is (an )?html(-formatted)? (message|e-?mail)|your (e-?mail|mail) (client|reader|program) (does not|doesn't) support html"
    r"|to view this (message|email).{0,40}html)", re.I)


def _is_html_stub(text: str) -> bool:
    return len(text) < 300 and bool(_HTML_STUB.search(text))


_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=\s]")


def _b64decode(data: bytes | memoryview, notes: list[str]) -> bytes:
    # a2b_base64 skips line breaks itself: a clean part (nearly all) is decoded without a
    # cleaned copy, which for a large attachment was two more copies of it alive at once.
    stray = _NOT_BASE64.search(data) is not None
    cleaned = re.sub(rb"[^A-Za-z0-9+/=]", b"", data) if stray else data
    if stray:
        notes.append("damaged base64 repaired (stray characters skipped)")
    try:
        return binascii.a2b_base64(cleaned)
    except (binascii.Error, ValueError):
        pass
    cleaned = re.sub(rb"[^A-Za-z0-9+/=]", b"", cleaned)
    body = cleaned.replace(b"=", b"")
    if len(body) % 4 == 1:
        body = body[:-1]
    notes.append("damaged base64 repaired (bad length or padding)")
    try:
        return binascii.a2b_base64(body + b"=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        notes.append("base64 could not be decoded, kept as is")
        return bytes(data)


_UU_BEGIN = re.compile(rb"^begin(?:-base64)? [0-7]{3,4} (.+?)\r?$", re.M)


def uudecode(data: bytes, notes: list[str] | None = None) -> tuple[bytes, str | None]:
    """Decode the first uuencoded block in `data`; returns (bytes, filename or None)."""
    m = _UU_BEGIN.search(data)
    name = None
    lines = data.splitlines()
    if m:
        name = m.group(1).strip().decode("latin-1")
        start = data[: m.start()].count(b"\n") + 1
        lines = lines[start:]
    out = bytearray()
    for line in lines:
        if line.strip() in (b"end", b"`", b""):
            if line.strip() == b"end":
                break
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            # Bad line length: decode as many whole bytes as the length byte promises
            try:
                n = (((line[0] - 32) & 63) * 4 + 5) // 3
                out += binascii.a2b_uu(line[:n])
            except (binascii.Error, IndexError):
                if notes is not None:
                    notes.append("damaged uuencoded line skipped")
    return bytes(out), name


def payload_bytes(part: Message, notes: list[str]) -> bytes:
    """The decoded bytes of a leaf part, repairing what can be repaired."""
    # compat32's get_payload() re-decodes 8-bit bodies with the declared charset and "replace":
    # we want the original bytes, which it keeps surrogate-escaped in _payload.
    payload = getattr(part, "_payload", None)
    if isinstance(payload, list) or payload is None:
        return b""
    if isinstance(payload, bytes):
        raw = payload
    else:
        raw = raw_bytes(payload)
    cte = str(part.get("content-transfer-encoding", "") or "").strip().lower()
    if "base64" in cte:
        return _b64decode(detached_body(part, raw), notes)
    if "quoted-printable" in cte or cte == "qp":
        try:
            return quopri.decodestring(raw)
        except Exception:  # noqa: BLE001
            notes.append("damaged quoted-printable kept as is")
            return raw
    if "uu" in cte:
        return uudecode(raw, notes)[0]
    return raw


def part_charset(part: Message) -> str | None:
    try:
        cs = part.get_param("charset")
        if isinstance(cs, tuple):  # RFC 2231 form
            cs = cs[2]
        return header_str(cs) if cs else None
    except Exception:  # noqa: BLE001
        return None


def part_text(part: Message, notes: list[str]) -> str:
    return decode_bytes(payload_bytes(part, notes), part_charset(part), notes)


def _unsurrogate_params(part: Message) -> Message:
    """A stand-in carrying 8-bit Content-Disposition/Content-Type headers decoded, so params parse."""
    fixed = Message()
    for name in ("Content-Type", "Content-Disposition"):
        for key, value in getattr(part, "_headers", []):
            if key.lower() == name.lower():
                if isinstance(value, str) and any("\udc80" <= ch <= "\udcff" for ch in value):
                    value = decode_bytes(raw_bytes(value), None)
                fixed[name] = value
                break
    return fixed


def filename_of(part: Message) -> str | None:
    raw_headers = " ".join(str(v) for k, v in getattr(part, "_headers", []) if k.lower().startswith("content-"))
    if any("\udc80" <= ch <= "\udcff" for ch in raw_headers):
        part = _unsurrogate_params(part)
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - broken RFC 2231 continuations
        name = None
    if name is None:
        try:
            name = part.get_param("name", header="content-type")
            if isinstance(name, tuple):
                name = email.utils.collapse_rfc2231_value(name)
        except Exception:  # noqa: BLE001
            name = None
    return header_str(name) if name else None


def content_type_of(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001
        return "application/octet-stream"


def _is_attachment(part: Message, ctype: str, filename: str | None) -> bool:
    disp = str(part.get("content-disposition", "") or "").strip().lower()
    if disp.startswith("attachment"):
        return True
    if filename and not ctype.startswith("text/"):
        return True
    if filename and ctype == "text/plain" and not disp.startswith("inline"):
        return True
    return not (ctype.startswith("text/plain") or ctype == "text/html" or ctype == "text/enriched" or ctype == "text")


def walk(msg: Message, budget: Budget, depth: int = 0, out: Walked | None = None) -> Walked:
    """Collect body texts and attachment parts under `msg`, within the budget."""
    out = out if out is not None else Walked()
    _walk(msg, budget, depth, out, in_alternative=False)
    return out


def _walk(part: Message, budget: Budget, depth: int, out: Walked, in_alternative: bool) -> None:
    if budget.parts_refused:
        budget.parts_refused += 1
        return
    if not budget.take_part():
        return
    if depth > budget.limits.max_depth:
        budget.note(f"nesting deeper than {budget.limits.max_depth} levels not read")
        return
    ctype = content_type_of(part)
    payload = part.get_payload()
    if ctype == "message/rfc822" or (ctype.startswith("message/") and isinstance(payload, list)):
        out.leaves.append(LeafPart(part, depth, filename_of(part)))
        return
    if part.is_multipart() and isinstance(payload, list):
        for defect in getattr(part, "defects", []):
            if isinstance(defect, email.errors.CloseBoundaryNotFoundDefect):
                budget.note("multipart without its closing boundary: read up to the end")
        if ctype == "multipart/alternative":
            _walk_alternative(payload, budget, depth, out)
        else:
            for child in payload:
                if budget.out_of_time():
                    budget.note("time limit reached while reading parts")
                    return
                _walk(child, budget, depth + 1, out, in_alternative)
        return
    if ctype.startswith("multipart/") and isinstance(payload, str):
        raw = raw_bytes(payload)
        found = re.search(rb"^--([^\s-][^\r\n]{0,69}?)\r?$", raw, re.M)
        if found and depth < budget.limits.max_depth:
            boundary = found.group(1).decode("ascii", "replace").replace('"', "")
            budget.note(f"{ctype} boundary did not match its parts: used {boundary!r} found in the body")
            repaired = parse_bytes(f'Content-Type: {ctype}; boundary="{boundary}"\n\n'.encode() + raw)
            if repaired.is_multipart():
                _walk(repaired, budget, depth + 1, out, in_alternative)
                return
        budget.note(f"{ctype} had no usable boundary: read as plain text")
        out.plain.append(decode_bytes(raw, part_charset(part), budget.notes))
        return
    if isinstance(payload, list):
        out.leaves.append(LeafPart(part, depth, filename_of(part)))
        return
    filename = filename_of(part)
    if _is_attachment(part, ctype, filename):
        out.leaves.append(LeafPart(part, depth, filename))
        return
    text = part_text(part, budget.notes)
    if ctype == "text/html":
        out.html.append(html_to_text(text))
    else:
        text, found = _pull_uuencoded(text, part, depth, out)
        out.plain.append(text)


def _walk_alternative(children: list[Message], budget: Budget, depth: int, out: Walked) -> None:
    sub = Walked()
    for child in children:
        _walk(child, budget, depth + 1, sub, in_alternative=True)
    plain = "\n\n".join(p for p in sub.plain if p.strip())
    if plain.strip() and not _is_html_stub(plain):
        out.plain.append(plain)
    elif sub.html:
        out.plain.append("\n\n".join(sub.html))
    # attachments inside an alternative (calendar invites, related images) stay attachments
    out.leaves.extend(sub.leaves)


_UU_BLOCK = re.compile(r"^begin [0-7]{3,4} (\S[^\n]*)\n(.*?)^end[ \t]*$\n?", re.M | re.S)


def _pull_uuencoded(text: str, part: Message, depth: int, out: Walked) -> tuple[str, bool]:
    """Old clients put uuencoded files inline in text bodies: lift them out as attachments."""
    if "begin " not in text:
        return text, False
    found = False

    def lift(m: re.Match[str]) -> str:
        nonlocal found
        block = m.group(0).encode("latin-1", "replace")
        data, name = uudecode(block)
        if not data:
            return m.group(0)
        found = True
        fake = Message()
        fake["Content-Type"] = "application/octet-stream"
        fake["Content-Disposition"] = "attachment"
        fake.set_payload(data)
        fake["X-Mailgate-Uuencoded"] = "1"
        out.leaves.append(LeafPart(fake, depth, name))
        return ""

    return _UU_BLOCK.sub(lift, text.replace("\r\n", "\n")), found
