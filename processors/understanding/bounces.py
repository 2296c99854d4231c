"""Recognise bounces of our mail: RFC 3464 delivery-status reports, then flufl.bounce's detectors (notices no
detector knows are read in bounce_notices.py)."""
from __future__ import annotations

import logging
import re
from email.message import Message

from .charsets import header_str, raw_bytes
from .model import BounceInfo

logging.getLogger("flufl.bounce").setLevel(logging.CRITICAL)

VERP = re.compile(r"\b(bounce-\d+-[A-Za-z0-9]+@[A-Za-z0-9.-]+)", re.I)
STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
# A quoted "postmaster\\@host" local part has been seen in the wild (flufl.bounce's simple_35).
DAEMON = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|mmdf|mdaemon|bounce|bounces|nobody)\\?@", re.I)
# Content filters and appliances sign as themselves: "Webshield SMTP V4.5 MR3 Mail Service".
_DAEMON_NAME = re.compile(r"(mail delivery (system|subsystem|service)|mailer.daemon|postmaster|microsoft outlook|mail administrator"
                          r"|delivery status notification|mail (delivery )?system|\\bsmtp\\b.*\\bmail service\\b|webshield|interscan"
                          r"|viruswall)", re.I)
BOUNCE_SUBJECT = re.compile(
    r"(undeliver|undelivered|delivery (status notification|failure|failed|has failed|notification)|returned mail|mail delivery failed"
    r"|failure notice|delivery report|non.?remis|non distribuabl|unzustellbar|nicht zustellbar|no se puede entregar|no entregado"
    r"|mancato recapito|não entregue|onbestelbaar|could not be delivered|delivery problem|returned to sender|rejected:|"
    r"message not delivered|DELIVERY FAILURE|warning: could not send|non.?delivery|not delivered|failed mail|mail failed"
    r"|delivery warning|rejected mail)", re.I)
# A person answering or passing on a bounce writes above it; that is their mail, not a bounce.
REPLY_OR_FORWARD = re.compile(r"^\s*(re|aw|sv|vs|fw|fwd|wg|tr|rv|r|i|antw)\s*(\[\d+\])?\s*:", re.I)


def _addr(value: str) -> str:
    value = header_str(value).strip()
    if ";" in value:
        value = value.split(";", 1)[1]
    return value.strip().strip("<>").strip().lower()


def verp_recipient(msg: Message) -> str | None:
    """Our VERP bounce address as seen in the delivery headers, if any."""
    for name in ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To"):
        for value in msg.get_all(name) or []:
            m = VERP.search(header_str(value))
            if m:
                return m.group(1).lower()
    return None


def delivery_status(msg: Message, depth: int = 0) -> BounceInfo | None:
    """Parse an RFC 3464 multipart/report; report-type=delivery-status (possibly one level down)."""
    if depth > 3:
        return None
    try:
        ctype = msg.get_content_type()
    except Exception:  # noqa: BLE001
        return None
    if not msg.is_multipart():
        return None
    payload = msg.get_payload()
    if not isinstance(payload, list):
        return None
    if ctype == "multipart/report" and (msg.get_param("report-type") or "").lower() == "delivery-status" or \
            any(_is_ds(p) for p in payload):
        for part in payload:
            if _is_ds(part):
                return _parse_ds(part)
    for part in payload[:20]:
        if isinstance(part, Message) and part.is_multipart() and part.get_content_type() != "message/rfc822":
            found = delivery_status(part, depth + 1)
            if found:
                return found
    return None


def _is_ds(part: object) -> bool:
    return isinstance(part, Message) and part.get_content_type() in ("message/delivery-status", "message/global-delivery-status")


def _parse_ds(part: Message) -> BounceInfo:
    # The stdlib splits delivery-status into header blocks, but global-delivery-status into an
    # encapsulated message; reading the fields back from text treats both (and broken ones) alike.
    payload = part.get_payload()
    if isinstance(payload, list):
        text = "\n\n".join(_as_text(block) for block in payload)
    else:
        raw = getattr(part, "_payload", "") or ""
        text = raw_bytes(raw).decode("utf-8", "replace") if isinstance(raw, str) else str(raw)
    text = re.sub(r"\r?\n[ \t]+", " ", text.replace("\r\n", "\n"))
    blocks = []
    for chunk in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        for m in re.finditer(r"^([A-Za-z-]+):[ \t]*(.*)$", chunk, re.M):
            fields.setdefault(m.group(1).lower(), m.group(2))
        blocks.append(fields)
    failed: list[str] = []
    statuses: list[str] = []
    actions: list[str] = []
    for block in blocks:
        recipient = block.get("final-recipient") or block.get("original-recipient")
        action = block.get("action", "").strip().lower()
        status = block.get("status", "").strip()
        if not recipient:
            continue
        actions.append(action)
        m = STATUS.search(status)
        if m:
            statuses.append(m.group(1))
        if action in ("failed", "delayed", "") or (m and m.group(1)[0] in "45"):
            address = _addr(str(recipient))
            if address and address not in failed:
                failed.append(address)
    permanent = any(a == "failed" for a in actions) or any(s.startswith("5") for s in statuses)
    if actions and all(a == "delayed" for a in actions):
        permanent = False
    status = next((s for s in statuses if s.startswith("5")), statuses[0] if statuses else None)
    return BounceInfo(status=status, failed_recipients=failed, permanent=permanent)


def _as_text(block: object) -> str:
    if not isinstance(block, Message):
        return str(block)
    head = "\n".join(f"{k}: {v}" for k, v in block.items())
    body = block.get_payload()
    if isinstance(body, list):
        return head + "\n\n" + "\n\n".join(_as_text(b) for b in body)
    return head + "\n\n" + (body or "")


def mail_system_sender(from_address: str | None, from_name: str) -> bool:
    """From a mailer daemon, a postmaster or a filtering appliance, by its address or its name."""
    return bool((from_address and DAEMON.match(from_address)) or _DAEMON_NAME.search(from_name or "")
                or (from_address and "@" not in from_address and _DAEMON_NAME.search(from_address)))


def heuristic_bounce(msg: Message, body: str) -> BounceInfo | None:
    """flufl.bounce's detectors (qmail, Exim, old Exchange, Lotus, Yahoo…); None if nothing found."""
    try:
        from flufl.bounce import all_failures

        temporary, permanent = all_failures(msg)
    except Exception:  # noqa: BLE001 - detectors choke on odd mail; then it is simply not recognised
        return None
    if not temporary and not permanent:
        return None
    failed = sorted({a.decode("ascii", "replace").strip().strip("<>").lower() for a in (permanent or temporary)})
    failed = [a for a in failed if "@" in a]
    if not failed:
        return None
    m = STATUS.search(body or "")
    return BounceInfo(status=m.group(1) if m else None, failed_recipients=failed, permanent=bool(permanent))
