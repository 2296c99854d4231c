"""A tiny raw MIME writer for the corpus generator: exact bytes, including deliberately broken ones."""
from __future__ import annotations

import base64
import quopri
from email.header import Header

LOCAL_DOMAIN = "foi.example"


def q_header(text: str, charset: str = "utf-8", enc: str = "Q") -> str:
    """RFC 2047 encode `text` (what a client does for non-ASCII names and subjects)."""
    if text.isascii():
        return text
    if enc == "B":
        return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="
    return Header(text, charset).encode(maxlinelen=998)


def qp(text: str, charset: str) -> bytes:
    return quopri.encodestring(text.encode(charset).replace(b"\n", b"\r\n")).replace(b"\r\n", b"\n").replace(b"=0D\n", b"\n")


def b64(data: bytes) -> bytes:
    enc = base64.b64encode(data)
    return b"\n".join(enc[i:i + 76] for i in range(0, len(enc), 76))


class Leaf:
    def __init__(self, ctype: str, body: bytes, cte: str | None = None, extra: list[str] | None = None) -> None:
        self.ctype, self.body, self.cte, self.extra = ctype, body, cte, extra or []

    def render(self) -> bytes:
        head = [f"Content-Type: {self.ctype}"]
        if self.cte:
            head.append(f"Content-Transfer-Encoding: {self.cte}")
        head += self.extra
        return ("\n".join(head) + "\n\n").encode("latin-1", "replace") + self.body


class Multi:
    def __init__(self, subtype: str, parts: list, boundary: str, params: str = "", close: bool = True,
                 preamble: str = "This is a multi-part message in MIME format.") -> None:
        self.subtype, self.parts, self.boundary, self.params, self.close = subtype, parts, boundary, params, close
        self.preamble = preamble

    def render(self) -> bytes:
        head = f'Content-Type: multipart/{self.subtype};\n\tboundary="{self.boundary}"{self.params}\n\n'
        out = [head.encode(), (self.preamble + "\n").encode() if self.preamble else b""]
        for p in self.parts:
            out.append(b"\n--" + self.boundary.encode() + b"\n")
            out.append(p.render())
        if self.close:
            out.append(b"\n--" + self.boundary.encode() + b"--\n")
        else:
            out.append(b"\n")
        return b"".join(out)


def text(body: str, charset: str = "utf-8", cte: str = "quoted-printable", flowed: bool = False) -> Leaf:
    if charset.lower() in ("us-ascii", "ascii") and not body.isascii():
        charset = "iso-8859-1"  # what such clients fall back to
    params = f"text/plain; charset={charset}" + ("; format=flowed" if flowed else "")
    if cte == "quoted-printable":
        data = qp(body, charset)
    elif cte == "base64":
        data = b64(body.encode(charset))
    else:
        data = body.encode(charset)
    return Leaf(params, data, cte)


def html(body: str, charset: str = "utf-8", cte: str = "quoted-printable") -> Leaf:
    if cte == "quoted-printable":
        data = qp(body, charset)
    elif cte == "base64":
        data = b64(body.encode(charset))
    else:
        data = body.encode(charset)
    return Leaf(f"text/html; charset={charset}", data, cte)


def attachment(name: str, ctype: str, data: bytes, name_header: str | None = None) -> Leaf:
    header_name = name_header or f'"{name}"'
    return Leaf(f"{ctype}; name={header_name}", b64(data), "base64",
                [f"Content-Disposition: attachment; filename={header_name}"])


def message(headers: list[str], body, eol: bytes = b"\n") -> bytes:
    head = "\n".join(headers).encode("utf-8", "surrogateescape")
    if isinstance(body, (Leaf, Multi)):
        mime = b"" if b"mime-version:" in head.lower() else b"\nMIME-Version: 1.0"
        data = head + mime + b"\n" + body.render()
    else:
        data = head + b"\n\n" + body
    if eol != b"\n":
        data = data.replace(b"\n", eol)
    return data
