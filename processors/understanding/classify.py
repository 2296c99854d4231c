"""Decide whether a message is a human reply, an automatic reply, a bounce or spam, and if it is loop-risky."""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from .bounce_notices import notice_bounce, returns_a_message
from .bounces import (
    BOUNCE_SUBJECT,
    REPLY_OR_FORWARD,
    delivery_status,
    heuristic_bounce,
    mail_system_sender,
    verp_recipient,
)
from .charsets import header_str
from .model import BounceInfo

AUTO_SUBJECT = re.compile(
    r"^\s*(\[?auto(matic|matische|matique)?[- ]?(reply|response|antwort|answer|respuesta|risposta|resposta|réponse|reponse)\]?"
    r"|auto\s?:|autoreply|autosvar|out of (the )?office|ooo\b|on leave|annual leave|away from (the )?office"
    r"|(automatic|auto) reply|réponse automatique|reponse automatique|(absence|absent(e)?|abwesend)\s*:|abwesenheitsnotiz"
    r"|automatische antwort|automatisch antwoord|afwezig(heid)?|respuesta automática|respuesta automatica|fuera de (la )?oficina"
    r"|risposta automatica|fuori ufficio|assente|resposta automática|resposta automatica|ausente|fora do escritório"
    r"|ateb awtomatig|allan o'r swyddfa|i ffwrdd o'r swyddfa|frånvaro|fravær|poza biurem|自动回复|自動応答|自動返信|不在)", re.I)
LOTUS_SUBJECT = re.compile(r"(is out of (the )?office|est absent(e)? du bureau|ist außer haus|ist nicht im büro|está fuera de la oficina)", re.I)
_SPAM_SCORE = re.compile(r"score=\s*(-?\d+(?:\.\d+)?)", re.I)
_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")


@dataclass
class Verdict:
    kind: str
    reason: str
    bounce: BounceInfo | None = None


def null_sender(msg: Message, envelope_from: str | None) -> bool:
    if envelope_from is not None:
        return envelope_from.strip() in ("", "<>")
    rp = msg.get_all("Return-Path") or []
    return any(str(v).strip() in ("<>", "") for v in rp[:1])


def classify(msg: Message, *, envelope_from: str | None, from_address: str | None, from_name: str,
             subject: str, body: str, spam_threshold: float) -> Verdict:
    """The ordered rules: bounce, spam, automatic reply, human."""
    verdict = _bounce(msg, envelope_from, from_address, from_name, subject, body)
    if verdict:
        verdict.bounce.verp_recipient = verp_recipient(msg)
        return verdict
    for rule in (_spam, _auto_reply):
        verdict = rule(msg, subject, body, spam_threshold)
        if verdict:
            return verdict
    return Verdict("human", "no automatic or bulk markers")


def _bounce(msg: Message, envelope_from: str | None, from_address: str | None, from_name: str,
            subject: str, body: str) -> Verdict | None:
    report = delivery_status(msg)
    if report is not None and (report.failed_recipients or report.status):
        return Verdict("bounce", "RFC 3464 delivery-status" + (f" {report.status}" if report.status else ""), report)
    is_null = null_sender(msg, envelope_from)
    answered = bool(REPLY_OR_FORWARD.match(subject or ""))
    # A mail system signs as one (null sender, a daemon's address or name) or says so in the
    # subject; a person's "Re:" from a postmaster address is theirs, unless the subject says bounce.
    says_bounce = bool(BOUNCE_SUBJECT.search(subject or ""))
    signed = mail_system_sender(from_address, from_name) and (says_bounce or not answered)
    system = is_null or signed
    if not (system or says_bounce):
        return None
    if _auto_headers(msg) and not system:
        return None
    found = heuristic_bounce(msg, body)
    if found is not None:
        return Verdict("bounce", "non-standard bounce recognised by flufl.bounce"
                       + (" (null sender)" if is_null else ""), found)
    # A notice no detector knows, such as a scanner's: signed by a mail system (a null sender alone
    # is also every out-of-office's), or saying bounce in its subject and returning a copy of the
    # mail, without answering anything.
    if (signed and (is_null or says_bounce)) or \
            (says_bounce and not answered and msg.get("In-Reply-To") is None and returns_a_message(msg, body)):
        return Verdict("bounce", "failure notice from a mail system", notice_bounce(body))
    return None


def _spam(msg: Message, subject: str, body: str, threshold: float) -> Verdict | None:
    score = None
    for name in ("X-Spam-Score", "X-Rspamd-Score", "X-Spam-Status"):
        value = msg.get(name)
        if value is None:
            continue
        value = header_str(value)
        m = _SPAM_SCORE.search(value) if name == "X-Spam-Status" else _NUMBER.match(value)
        if m:
            score = float(m.group(1))
            if score >= threshold:
                return Verdict("spam", f"{name}: score {score:g} >= {threshold:g}")
    flag = header_str(msg.get("X-Spam-Flag", "")).strip().lower()
    status = header_str(msg.get("X-Spam-Status", "")).strip().lower()
    if score is None and (flag == "yes" or status.startswith("yes")):
        return Verdict("spam", "X-Spam-Flag: YES" if flag == "yes" else "X-Spam-Status: Yes")
    return None


def _auto_headers(msg: Message) -> str | None:
    auto = header_str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto.split(';')[0]}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-AutoReply-From", "X-Mail-Autoreply",
                 "X-Autogenerated", "X-Auto-Reply", "X-FC-MachineGenerated"):
        if msg.get(name) is not None:
            return f"{name} header"
    precedence = header_str(msg.get("Precedence", "")).strip().lower()
    if precedence == "auto_reply":
        return "Precedence: auto_reply"
    if "autoresponder" in header_str(msg.get("X-POST-MessageClass", "")).lower():
        return "X-POST-MessageClass: Autoresponder"
    return None


def _auto_reply(msg: Message, subject: str, body: str, threshold: float) -> Verdict | None:
    reason = _auto_headers(msg)
    if reason:
        return Verdict("auto_reply", reason)
    try:
        if msg.get_content_type() == "multipart/report" and \
                (msg.get_param("report-type") or "").lower() == "disposition-notification":
            return Verdict("auto_reply", "read receipt (disposition-notification report)")
    except Exception:  # noqa: BLE001
        pass
    suppress = msg.get("X-Auto-Response-Suppress")
    subj = subject or ""
    if suppress is not None and AUTO_SUBJECT.search(subj):
        return Verdict("auto_reply", f"X-Auto-Response-Suppress with subject {subj[:40]!r}")
    if LOTUS_SUBJECT.search(subj):
        return Verdict("auto_reply", "Lotus Notes out-of-office subject")
    if AUTO_SUBJECT.search(subj):
        return Verdict("auto_reply", f"subject {subj[:40]!r}")
    return None


def loop_risk(msg: Message, envelope_from: str | None, kind: str) -> bool:
    """True if answering automatically could start a mail loop or backscatter (RFC 3834)."""
    if kind != "human":
        return True
    auto = header_str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and not auto.startswith("no"):
        return True
    if header_str(msg.get("Precedence", "")).strip().lower() in ("bulk", "list", "junk", "auto_reply"):
        return True
    if msg.get("List-Id") is not None:
        return True
    return null_sender(msg, envelope_from)
