"""Decode bytes and RFC 2047 headers whatever charset they claim, noting what was guessed."""
from __future__ import annotations

import codecs
import re
from email.header import Header, decode_header

# Labels seen in the wild mapped to the codec that actually decodes such mail.
# ISO-8859-1 is read as windows-1252 (as browsers do): Outlook labels cp1252 text latin-1.
_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "us-ascii": "ascii", "ascii": "ascii", "ansi_x3.4-1968": "ascii",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030",
    "hz-gb-2312": "hz", "hz": "hz",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_2", "csiso2022jp": "iso2022_jp_2",
    "big5": "big5hkscs", "x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "ks_c_5601": "cp949",
    "utf-7": "utf-7", "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8", "utf-8": "utf-8", "x-unknown": "", "unknown-8bit": "", "unknown": "",
    "default": "", "charset": "", "x-user-defined": "cp1252", "tis-620": "cp874",
    "iso-8859-8-i": "iso-8859-8", "windows-874": "cp874",
}


def raw_bytes(text: str) -> bytes:
    """The original bytes of a str the stdlib parser made with surrogateescape (never raises)."""
    try:
        return text.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def codec_for(label: str | None) -> str | None:
    """The Python codec for a MIME charset label, or None if unknown.

    >>> codec_for("GB2312"), codec_for("bogus-charset")
    ('gb18030', None)
    """
    if not label:
        return None
    name = label.strip().strip('"\'').lower()
    if name in _ALIASES:
        return _ALIASES[name] or None
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def _guess(data: bytes) -> str:
    """Best codec for unlabelled 8-bit data: UTF-8 if valid, else a detector, else cp1252."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None:
        letters = [ch for ch in western if ch.isalpha()]
        foreign = sum(1 for ch in letters if not ch.isascii())
        # Western text has a few accented letters among ASCII ones; Cyrillic or Greek read
        # as cp1252 gives words made only of accented letters.
        if not letters or foreign / len(letters) < 0.3:
            return "cp1252"
    if len(data) >= 40:
        try:
            from charset_normalizer import from_bytes

            best = from_bytes(data[:20000], steps=3, chunk_size=512).best()
            if best is not None and best.encoding and best.encoding not in ("utf_8",):
                # charset_normalizer guesses legacy Western text poorly; cp1252 is the usual truth.
                if best.encoding in ("cp1252", "latin_1", "iso8859_15") or best.coherence < 0.2:
                    return "cp1252"
                return best.encoding
        except Exception:  # noqa: BLE001 - a detector failure only means we fall back
            pass
    return "cp1252"


def decode_bytes(data: bytes, label: str | None, notes: list[str] | None = None) -> str:
    """Decode `data` labelled `label`; never raises. Notes what had to be guessed.

    >>> decode_bytes("café".encode("utf-8"), "iso-8859-1")
    'café'
    >>> decode_bytes(b"caf\\xe9", "utf-8")
    'café'
    >>> decode_bytes("+ZeVnLIqe-".encode(), "utf-7")
    '日本語'
    """
    if not data:
        return ""
    codec = codec_for(label)
    if codec is None and label and label.strip().lower() not in _ALIASES:
        guessed = _guess(data)
        if notes is not None:
            notes.append(f"charset {label.strip()!r} unknown, decoded as {_pretty(guessed)}")
        return data.decode(guessed, "replace")
    if codec is None or codec == "ascii":
        if data.isascii():
            return data.decode("ascii")
        guessed = _guess(data)
        if notes is not None and codec is None and label:
            notes.append(f"charset {label.strip()!r} unusable, decoded as {_pretty(guessed)}")
        return data.decode(guessed, "replace")
    if codec == "cp1252" or codec == "iso8859-1":
        # Mislabelled UTF-8 is common ("iso-8859-1" from old webmails that send UTF-8).
        if not data.isascii() and _looks_utf8(data):
            return data.decode("utf-8")
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        if codec in ("utf-8", "utf_8"):
            fallback = _guess(data)
            if notes is not None:
                notes.append(f"text labelled utf-8 is not valid UTF-8, decoded as {_pretty(fallback)}")
            return data.decode(fallback, "replace")
        if codec not in ("utf-8",) and _looks_utf8(data):
            if notes is not None:
                notes.append(f"text labelled {label.strip()} is really UTF-8")
            return data.decode("utf-8")
        if notes is not None:
            notes.append(f"text labelled {label.strip()} has invalid bytes, replaced")
        return data.decode(codec, "replace")
    except Exception:  # noqa: BLE001 - codecs such as utf-7 can raise odd errors
        return data.decode("cp1252", "replace")


def _looks_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _pretty(codec: str) -> str:
    return {"cp1252": "windows-1252", "utf-8": "utf-8"}.get(codec, codec.replace("_", "-"))


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bqBQ])\?([^?]*)\?=")
_ADJACENT = re.compile(r"(=\?[^?\s]+\?[bqBQ]\?[^?]*\?=)\s+(?==\?)")


def header_str(value: object, notes: list[str] | None = None) -> str:
    """Decode one header value (RFC 2047 words, raw 8-bit bytes, bad charsets) to text.

    >>> header_str("=?ISO-8859-1?Q?R=E9ponse_automatique?= : absent")
    'Réponse automatique : absent'
    >>> header_str("=?utf-8?B?0J/RgNC40LLQtdGC?=")
    'Привет'
    """
    if value is None:
        return ""
    if isinstance(value, Header):
        # compat32 hands back 8-bit header bytes as a Header in charset "unknown-8bit"
        try:
            value = "".join(
                chunk if isinstance(chunk, str) else decode_bytes(chunk, None if cs in (None, "unknown-8bit") else cs, notes)
                for chunk, cs in decode_header(value))
        except Exception:  # noqa: BLE001
            value = str(value)
    if not isinstance(value, str):
        try:
            value = str(value)
        except Exception:  # noqa: BLE001
            return ""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        # 8-bit header bytes smuggled through the parser as surrogates
        raw = raw_bytes(value)
        value = decode_bytes(raw, None)
    value = re.sub(r"\r?\n[ \t]+", " ", value).replace("\r", "").replace("\n", " ")
    if "=?" not in value:
        return value.strip()
    value = _ADJACENT.sub(r"\1", value)
    try:
        pieces = decode_header(value)
    except Exception:  # noqa: BLE001 - malformed words: decode them one by one below
        return _ENCODED_WORD.sub(lambda m: _decode_word(m, notes), value).strip()
    out = []
    for chunk, charset in pieces:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset or "ascii", notes))
        else:
            out.append(chunk)
    text = "".join(out)
    if "=?" in text:  # words decode_header refused (e.g. inside quotes)
        text = _ENCODED_WORD.sub(lambda m: _decode_word(m, notes), text)
    return text.strip()


def _decode_word(m: re.Match[str], notes: list[str] | None) -> str:
    import base64
    import quopri

    charset, enc, payload = m.group(1), m.group(2).lower(), m.group(3)
    charset = charset.split("*", 1)[0]  # RFC 2231 language suffix
    try:
        if enc == "b":
            payload_b = payload.encode("ascii", "replace")
            raw = base64.b64decode(payload_b + b"=" * (-len(payload_b) % 4))
        else:
            raw = quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)
    except Exception:  # noqa: BLE001
        return m.group(0)
    return decode_bytes(raw, charset, notes)
