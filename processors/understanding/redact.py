"""Redact text for the public archive: thread addresses, other email addresses, phone numbers, censor rules."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .model import CensorRule

EMAIL = re.compile(
    r"(?<![\w.%+-])(?:mailto:)?[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"\s?(?:@|\(at\)|\[at\]|%40|=40|&#0*64;|&#[xX]0*40;|&commat;)\s?"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])")
# Where an "@" may hide: written out, or encoded as a link (%40), quoted-printable (=40) or HTML carried it.
_AT_HINTS = ("@", "(at)", "[at]", "%40", "=40", "&#", "&commat;")

# A phone number must start like one (+, 0 or a bracketed area code) and carry 10-15 digits
# separated only by single spaces, dashes, dots or brackets. Dates (2024-01-13, 13/01/2024),
# references (FOI-2024-0113), money (£1,234,567.89) and years fail one of those tests.
_SEP = r"(?:[ \u00a0.\-]|\)\s?|\s?\()?"
PHONE_PATTERNS = [
    # international: +44 (0)20 7946 0018, +1 415 555 0100, +33 1 23 45 67 89, 0044 20 …
    r"(?:\+|00)[1-9]\d{0,2}" + r"(?:\s?\(0\)\s?|" + _SEP + r")" + r"(?:\d" + _SEP + r"){6,13}\d",
    # national with trunk zero: 020 7946 0018, 07700 900123, (020) 7946 0018, 01632 960 001
    r"\(?0\d{1,4}\)?" + _SEP + r"(?:\d" + _SEP + r"){6,9}\d",
    # North American without country code: (415) 555-0100, 415-555-0100
    r"\(\d{3}\)\s?\d{3}[-.\s]\d{4}",
    r"\b\d{3}-\d{3}-\d{4}",
]
# A comma stops a number only after a digit (4,312,567): after a word it ends a CSV field.
_BOUNDARY_BEFORE = r"(?<![\w/\-.£$€+#])(?<!\d,)"
_BOUNDARY_AFTER = r"(?![\w/\-]|[.,]\d)"


def _compile_phones(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile(_BOUNDARY_BEFORE + "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")" + _BOUNDARY_AFTER)


_DEFAULT_PHONES = _compile_phones(PHONE_PATTERNS)


def _digits_ok(match: str) -> bool:
    n = sum(ch.isdigit() for ch in match)
    return 9 <= n <= 15


def redact_text(text: str, *, thread_addresses: Mapping[str, str] | None = None,
                rules: Iterable[CensorRule] = (), phone_patterns: list[str] | None = None) -> str:
    """The public form of `text`.

    >>> redact_text("Write to request-12-abcd@foi.example or jo@council.example, tel 020 7946 0018. Ref FOI-2024-0113.",
    ...             thread_addresses={"request-12-abcd@foi.example": "[FOI #12 email]"})
    'Write to [FOI #12 email] or [email address], tel [phone number]. Ref FOI-2024-0113.'
    >>> redact_text("Ours: jo%40citizen.example, jo=40citizen.example or jo&#x40;citizen.example")
    'Ours: [email address], [email address] or [email address]'
    """
    if not text:
        return text or ""
    if thread_addresses:
        for address, label in sorted(thread_addresses.items(), key=lambda kv: -len(kv[0])):
            if address:
                text = re.sub(re.escape(address), lambda _m, lab=label: lab, text, flags=re.I)
    if any(hint in text for hint in _AT_HINTS):
        text = EMAIL.sub("[email address]", text)
    phones = _DEFAULT_PHONES if phone_patterns is None else _compile_phones(phone_patterns)
    text = phones.sub(lambda m: "[phone number]" if _digits_ok(m.group(0)) else m.group(0), text)
    for rule in rules:
        text = _apply_rule(text, rule)
    return text


def _apply_rule(text: str, rule: CensorRule) -> str:
    if not rule.pattern:
        return text
    try:
        pattern = re.compile(rule.pattern if rule.is_regex else re.escape(rule.pattern), re.I | re.M)
    except re.error:
        return text  # a broken operator regex must not break publishing; the admin UI validates them
    return pattern.sub(lambda _m: rule.replacement, text)


def redaction_matches(data_or_text: bytes | str, rules: Iterable[CensorRule] = (), *,
                      thread_addresses: Mapping[str, str] | None = None,
                      phone_patterns: list[str] | None = None) -> bool:
    """Would redaction change anything? Used to hold back binary attachments that need a human.

    >>> redaction_matches(b"call 07700 900123", [])
    True
    >>> redaction_matches("nothing to see, FOI-2024-0113", [CensorRule("Jane Doe")])
    False
    """
    if isinstance(data_or_text, (bytes, bytearray)):
        raw = bytes(data_or_text)
        text = raw.decode("utf-8", "replace")
        if "\x00" in text:  # UTF-16 text in Office files and PDFs
            text = text + "\n" + raw.decode("utf-16-le", "ignore").replace("\x00", "") + "\n" + text.replace("\x00", "")
    else:
        text = data_or_text or ""
    return redact_text(text, thread_addresses=thread_addresses, rules=rules, phone_patterns=phone_patterns) != text
