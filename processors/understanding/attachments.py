"""Turn attachment parts into AttachmentInfo: decode, name, sniff, open containers (zip, TNEF, .msg, .eml)."""
from __future__ import annotations

import hashlib
import io
import mimetypes
import re
import zipfile
from email.message import Message

from store.content_types import is_text_like

from .budget import Budget
from .charsets import header_str
from .mime_parse import LeafPart, content_type_of, part_charset, payload_bytes, walk
from .model import AttachmentInfo
from .text_extract import DOCX, ODS, ODT, XLSX, extract_text

_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_filename(name: str | None, index: int, content_type: str) -> str:
    """A display-safe file name: decoded, no path, never empty.

    >>> safe_filename("..\\\\..\\\\etc/passwd", 1, "text/plain")
    'passwd'
    >>> safe_filename(None, 3, "application/pdf")
    'attachment-3.pdf'
    """
    if name:
        name = header_str(name)
        name = re.split(r"[/\\]", name)[-1]
        name = _UNSAFE_NAME.sub("_", name).strip(" ._")
        name = name[:200]
    if not name:
        ext = mimetypes.guess_extension(content_type or "") or (".txt" if is_text_like(content_type) else ".bin")
        if content_type == "message/rfc822":
            ext = ".eml"
        name = f"attachment-{index}{ext}"
    return name


_EXT_TYPES = {
    ".msg": "application/vnd.ms-outlook", ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint", ".docx": DOCX, ".xlsx": XLSX, ".odt": ODT, ".ods": ODS,
    ".csv": "text/csv", ".rtf": "application/rtf", ".eml": "message/rfc822", ".dat": "application/octet-stream",
}


def sniff(data: bytes, declared: str, filename: str) -> str:
    """The content type the bytes really are, trusting magic numbers over labels.

    >>> sniff(b"%PDF-1.4 ...", "application/octet-stream", "scan.dat")
    'application/pdf'
    """
    ext = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    head = data[:1024]
    if head.startswith(b"%PDF") or (b"%PDF-" in head[:1024] and declared in ("application/octet-stream", "application/pdf")):
        return "application/pdf"
    if head.startswith(b"\x78\x9f\x3e\x22"):
        return "application/ms-tnef"
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data, ext)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if ext in _EXT_TYPES:
            return _EXT_TYPES[ext]
        if b"_\x00_\x00s\x00u\x00b\x00s\x00t\x00g\x001\x00" in data[:65536] or declared == "application/vnd.ms-outlook":
            return "application/vnd.ms-outlook"
        return declared if declared != "application/octet-stream" else "application/x-ole-storage"
    for magic, kind in ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
                        (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"), (b"\x1f\x8b", "application/gzip")):
        if head.startswith(magic):
            return kind
    if declared in ("application/octet-stream", "", "application/unknown", "application/x-unknown") or "/" not in declared:
        if ext in _EXT_TYPES:
            return _EXT_TYPES[ext]
        guessed = mimetypes.guess_type(filename)[0]
        if guessed:
            return guessed
        stripped = head.lstrip().lower()
        if stripped.startswith((b"<!doctype html", b"<html")):
            return "text/html"
        if re.match(rb"(return-path|received|from|message-id|mime-version|date):", stripped):
            return "message/rfc822"
        if head and b"\x00" not in head:
            return "text/plain"
    return declared or "application/octet-stream"


def _sniff_zip(data: bytes, ext: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist()[:2000])
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            if "mimetype" in names:
                kind = zf.read("mimetype")[:100].decode("ascii", "replace").strip()
                if kind.startswith("application/vnd.oasis"):
                    return kind
    except Exception:  # noqa: BLE001 - a broken zip is still a zip
        pass
    return _EXT_TYPES.get(ext, "application/zip")


class AttachmentReader:
    """Builds the attachment list for one message, opening containers within the budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.items: list[AttachmentInfo] = []
        self.limit_noted = False

    def read_leaf(self, leaf: LeafPart) -> None:
        part = leaf.part
        ctype = content_type_of(part)
        if ctype.startswith("message/") and ctype not in _WHOLE_MAILS:
            # A delivery report's status fields, a read receipt, returned headers: text, kept whole (read as
            # an embedded mail, only the first of a report's blocks survived: the recipients' were lost).
            self.add(_report_bytes(part), leaf.filename, ctype, leaf.depth, note=None, charset="utf-8")
            return
        if ctype == "message/rfc822" or isinstance(part.get_payload(), list):
            self._read_embedded_message(part, leaf.depth, leaf.filename)
            return
        data = payload_bytes(part, self.budget.notes)
        self.add(data, leaf.filename, ctype, leaf.depth, note=None, charset=part_charset(part))

    def add(self, data: bytes, filename: str | None, declared: str, depth: int, note: str | None,
            charset: str | None = None) -> None:
        index = len(self.items) + 1
        if not self.budget.take_bytes(len(data)):
            name = safe_filename(filename, index, declared)
            self.budget.note(f"attachment size limit reached: {name} ({len(data)} bytes) not kept")
            return
        name = safe_filename(filename, index, declared)
        ctype = sniff(data, declared, name)
        info = AttachmentInfo(filename=name, content_type=ctype, data=data,
                              sha256=hashlib.sha256(data).hexdigest(), text=None, note=note)
        self.items.append(info)
        if depth > self.budget.limits.max_depth:
            info.note = _join(info.note, f"not opened: nested deeper than {self.budget.limits.max_depth} levels")
            self.budget.note(f"nesting deeper than {self.budget.limits.max_depth} levels not read")
            return
        if ctype == "application/zip":
            self._read_zip(info, depth)
        elif ctype == "application/ms-tnef" or name.lower() == "winmail.dat":
            self._read_tnef(info, depth)
        elif ctype == "application/vnd.ms-outlook":
            self._read_msg(info, depth)
        elif ctype == "message/rfc822":
            from .mime_parse import parse_bytes
            self._read_embedded_message(parse_bytes(data, self.budget.limits.detach_base64_bytes), depth, None,
                                        existing=info)
        else:
            text, text_note = extract_text(data, ctype, self.budget, charset)
            info.text = text
            info.note = _join(info.note, text_note)

    def _read_embedded_message(self, part: Message, depth: int, filename: str | None,
                               existing: AttachmentInfo | None = None) -> None:
        inner = part.get_payload()
        inner_msg = inner[0] if isinstance(inner, list) and inner else part
        if not isinstance(inner_msg, Message):
            return
        subject = header_str(inner_msg.get("subject", ""))
        if existing is None:
            try:
                data = inner_msg.as_bytes()
            except Exception:  # noqa: BLE001
                data = str(inner_msg).encode("utf-8", "replace")
            index = len(self.items) + 1
            if not self.budget.take_bytes(len(data)):
                self.budget.note("attachment size limit reached: forwarded message not kept")
                return
            name = safe_filename(filename or (subject[:80] + ".eml" if subject else None), index, "message/rfc822")
            existing = AttachmentInfo(name, "message/rfc822", data, hashlib.sha256(data).hexdigest(), None, None)
            self.items.append(existing)
        walked = walk(inner_msg, self.budget, depth + 1)
        head = "\n".join(f"{h}: {header_str(inner_msg.get(h))}" for h in ("From", "Date", "Subject") if inner_msg.get(h))
        text, _ = self.budget.take_text(head + "\n\n" + walked.body())
        existing.text = text.strip() or None
        for leaf in walked.leaves:
            before = len(self.items)
            self.read_leaf(LeafPart(leaf.part, leaf.depth, leaf.filename))
            _mark_inside(self.items[before:], existing.filename)

    def _read_zip(self, info: AttachmentInfo, depth: int) -> None:
        limits = self.budget.limits
        try:
            zf = zipfile.ZipFile(io.BytesIO(info.data))
        except Exception:  # noqa: BLE001
            info.note = _join(info.note, "zip archive could not be opened")
            return
        listing = []
        with zf:
            for member in zf.infolist()[: limits.max_parts]:
                if member.is_dir():
                    continue
                listing.append(member.filename)
                if self.budget.out_of_time():
                    info.note = _join(info.note, "zip not fully read: time limit")
                    self.budget.note(f"time limit reached while opening {info.filename}")
                    break
                if not self.budget.take_part():
                    self.budget.note(f"part limit {limits.max_parts} reached inside {info.filename}")
                    break
                ratio = member.file_size / max(member.compress_size, 1)
                if ratio > limits.max_compression_ratio:
                    msg = (f"{member.filename} in {info.filename} not extracted: expands {ratio:.0f}x "
                           f"(limit {limits.max_compression_ratio:.0f}x), a likely zip bomb")
                    info.note = _join(info.note, msg)
                    self.budget.note(msg)
                    continue
                room = limits.max_total_attachment_bytes - self.budget.attachment_bytes
                if member.file_size > room:
                    msg = f"{member.filename} in {info.filename} not extracted: attachment size limit"
                    info.note = _join(info.note, msg)
                    self.budget.note(msg)
                    continue
                if member.flag_bits & 0x1:
                    info.note = _join(info.note, f"{member.filename} is encrypted")
                    continue
                try:
                    data = _read_capped(zf, member, room, member.compress_size * limits.max_compression_ratio)
                except _TooBig as exc:
                    msg = f"{member.filename} in {info.filename} not extracted: {exc}"
                    info.note = _join(info.note, msg)
                    self.budget.note(msg)
                    continue
                except Exception as exc:  # noqa: BLE001
                    info.note = _join(info.note, f"{member.filename} unreadable ({type(exc).__name__})")
                    continue
                before = len(self.items)
                self.add(data, member.filename, "application/octet-stream", depth + 1, None)
                _mark_inside(self.items[before:], info.filename)
        info.text = "\n".join(listing) or None

    def _read_tnef(self, info: AttachmentInfo, depth: int) -> None:
        try:
            from tnefparse.tnef import TNEF

            tnef = TNEF(info.data, do_checksum=False)
        except Exception as exc:  # noqa: BLE001
            info.note = _join(info.note, f"winmail.dat could not be read ({type(exc).__name__})")
            return
        names = []
        for att in tnef.attachments[: self.budget.limits.max_parts]:
            try:
                name = att.long_filename() or att.name
                if isinstance(name, bytes):
                    name = name.decode("cp1252", "replace")
                data = att.data or b""
            except Exception:  # noqa: BLE001
                continue
            names.append(str(name))
            before = len(self.items)
            self.add(data, str(name).strip("\x00"), "application/octet-stream", depth + 1, None)
            _mark_inside(self.items[before:], info.filename)
        body = getattr(tnef, "body", None)
        if isinstance(body, bytes):
            body = body.decode("cp1252", "replace")
        info.text = (body or "").strip() or None
        info.note = _join(info.note, f"TNEF container with {len(names)} attachment(s)")

    def _read_msg(self, info: AttachmentInfo, depth: int) -> None:
        try:
            import extract_msg

            msg = extract_msg.openMsg(info.data)
        except Exception as exc:  # noqa: BLE001
            info.note = _join(info.note, f"Outlook .msg could not be read ({type(exc).__name__})")
            return
        try:
            head = "\n".join(f"{k}: {v}" for k, v in (("From", msg.sender), ("Date", msg.date), ("Subject", msg.subject)) if v)
            body = msg.body or ""
            info.text, _ = self.budget.take_text(f"{head}\n\n{body}".strip())
            for att in list(getattr(msg, "attachments", []))[: self.budget.limits.max_parts]:
                data = getattr(att, "data", None)
                if not isinstance(data, bytes):
                    continue
                before = len(self.items)
                self.add(data, getattr(att, "longFilename", None) or getattr(att, "shortFilename", None),
                         "application/octet-stream", depth + 1, None)
                _mark_inside(self.items[before:], info.filename)
        except Exception as exc:  # noqa: BLE001
            info.note = _join(info.note, f"Outlook .msg partly read ({type(exc).__name__})")
        finally:
            try:
                msg.close()
            except Exception:  # noqa: BLE001
                pass


_WHOLE_MAILS = ("message/rfc822", "message/global")


def _report_bytes(part: Message) -> bytes:
    """The body of a message/* part that is not a whole mail; the stdlib splits it into header blocks."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return b"".join(block.as_bytes() for block in payload if isinstance(block, Message))
    return payload_bytes(part, [])


class _TooBig(Exception):
    pass


def _read_capped(zf: zipfile.ZipFile, member: zipfile.ZipInfo, room: int, ratio_cap: float) -> bytes:
    """Read a member in chunks, stopping if it outgrows its declared size (lying headers)."""
    cap = min(room, max(member.file_size, 0), int(ratio_cap) + 1)
    out = bytearray()
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            out += chunk
            if len(out) > cap:
                raise _TooBig("it expands beyond its declared size or the limits")
    return bytes(out)


def _mark_inside(items: list[AttachmentInfo], container: str) -> None:
    """Say which container each extracted file came from (the innermost one only)."""
    for item in items:
        if not (item.note and "inside " in item.note):
            item.note = _join(item.note, f"inside {container}")


def _join(a: str | None, b: str | None) -> str | None:
    if not a:
        return b
    if not b or b in a:
        return a
    return f"{a}; {b}"
