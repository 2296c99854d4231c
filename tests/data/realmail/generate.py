"""Generate the labelled real-world mail corpus (deterministic): `python tests/data/realmail/generate.py`.

Writes one .eml per case and labels.json (file -> {"kind", "new_text"}). new_text is only
given for human mail: it is what the sender wrote now, compared whitespace-normalised.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus_text import AUTHORITIES, REQUESTERS, REQUESTS  # noqa: E402
from mimekit import q_header  # noqa: E402

CASES: dict[str, tuple[bytes, dict]] = {}
rng = random.Random(20240304)


def add(name: str, raw: bytes, kind: str, new_text: str | None = None) -> None:
    label = {"kind": kind}
    if kind == "human":
        label["new_text"] = new_text or ""
    assert name not in CASES, name
    CASES[name] = (raw, label)


def mid(n: int, domain: str) -> str:
    return f"<{n:04d}.{rng.getrandbits(40):010x}@{domain}>"


def day(n: int) -> str:
    return f"{['Mon', 'Tue', 'Wed', 'Thu', 'Fri'][n % 5]}, {4 + n % 20} Mar 2024 {9 + n % 8:02d}:{(n * 7) % 60:02d}:{(n * 13) % 60:02d} +0000"


def base_headers(n: int, frm: str, to: str, subject: str, client: str, reply: bool = True, domain: str = "example.gov.uk",
                 received_from: str = "mail.example.gov.uk") -> list[str]:
    """The header set a given client and its server produce, in their usual order."""
    our_id = f"<request-{1200 + n}-out@foi.example>"
    h = [f"Return-Path: <{frm.split('<')[-1].rstrip('>')}>",
         f"Delivered-To: {to.split('<')[-1].rstrip('>')}",
         f"Received: from {received_from} ({received_from} [192.0.2.{n % 250}])\n\tby mx.foi.example (Postfix) with ESMTPS id 4T{n:05d}X\n\tfor <{to.split('<')[-1].rstrip('>')}>; {day(n)}"]
    if client == "outlook":
        h += [f"Received: from EX{n % 9}.ad.local (10.1.2.{n % 200}) by EX1.ad.local with Microsoft SMTP Server (version=TLS1_2) id 15.1.2507.39; {day(n)}",
              f"From: {frm}", f"To: {to}", f"Subject: {subject}", f"Thread-Topic: {subject}",
              "Thread-Index: AdpuGZk3H2xk7vQtT0mXk7b5xJ0yBQ==", f"Date: {day(n)}", f"Message-ID: {mid(n, 'EX1.ad.local')}",
              "Accept-Language: en-GB, en-US", "Content-Language: en-GB", "X-MS-Has-Attach:", "X-MS-TNEF-Correlator:",
              "X-MS-Exchange-Organization-SCL: -1", "X-Originating-IP: [10.1.2.3]"]
    elif client == "gmail":
        h += [f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=gmail.com; s=20230601; h=to:subject:message-id:date:from:in-reply-to:references:mime-version; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=XyZ{n}",
              "X-Google-Smtp-Source: AGHT+IFd3ex0fQKp", f"From: {frm}", f"Date: {day(n)}", f"Message-ID: <CAB{n:06d}Xq=wT5vK{n}@mail.gmail.com>",
              f"Subject: {subject}", f"To: {to}"]
    elif client == "apple":
        h += ["Content-Type: text/plain;\n\tcharset=utf-8", "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3731.700.6\\))",
              f"Subject: {subject}", f"From: {frm}", f"Date: {day(n)}", f"Message-Id: <{n:04X}A1B2-C3D4-4E5F-8A9B-{n:012d}@example.com>",
              f"To: {to}", "X-Mailer: Apple Mail (2.3731.700.6)"]
    elif client == "thunderbird":
        h += [f"Message-ID: <{rng.getrandbits(32):08x}-{n:04d}-4d1a-9c0e-1f2e3d4c5b6a@{domain}>", f"Date: {day(n)}",
              "MIME-Version: 1.0", "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.8.0",
              "Content-Language: en-GB", f"To: {to}", f"From: {frm}", f"Subject: {subject}"]
    elif client == "lotus":
        h += [f"Subject: {subject}", f"To: {to}", f"From: {frm}", f"Date: {day(n)}",
              f"Message-ID: <OF{n:04X}A8B2.C1D3E4F5-ON80258A.003{n:03d}-80258A.0035F{n:03d}@lotus.{domain}>",
              "X-Mailer: Lotus Notes Release 8.5.3FP6 November 21, 2013",
              f"X-MIMETrack: Serialize by Router on NOTES01/Council(Release 9.0.1FP10|January 09, 2018) at {day(n)}",
              "MIME-Version: 1.0"]
    elif client == "yahoo":
        h += [f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=yahoo.co.uk; s=s2048; t=17095; bh=abc{n}=",
              f"Date: {day(n)}", f"From: {frm}", f"To: {to}", f"Message-ID: <{n}.{n * 7}.{n * 13}@mail.yahoo.com>",
              f"Subject: {subject}", "MIME-Version: 1.0", "X-Mailer: WebService/1.1.22077 YMailNorrin"]
    else:  # old webmail (SquirrelMail / Horde / RoundCube)
        agent = {"squirrel": "SquirrelMail/1.4.22", "horde": "Internet Messaging Program (IMP) H3 (4.3.9)",
                 "roundcube": "Roundcube Webmail/1.4.15"}.get(client, "SquirrelMail/1.4.22")
        h += [f"Message-ID: <{n}.{n * 3}.{n}.squirrel@webmail.{domain}>", f"Date: {day(n)}", f"Subject: {subject}",
              f"From: {frm}", f"To: {to}", f"User-Agent: {agent}", "MIME-Version: 1.0", "X-Priority: 3 (Normal)"]
    if reply:
        h += [f"In-Reply-To: {our_id}", f"References: {our_id}"]
    return h


def quoted(lines: str, prefix: str = "> ") -> str:
    return "\n".join((prefix + ln) if ln else prefix.rstrip() for ln in lines.split("\n"))


def request_text(i: int, name: str, addr: str) -> str:
    return (f"Dear {AUTHORITIES[i % len(AUTHORITIES)][0]},\n\n{REQUESTS[i % len(REQUESTS)]}\n\nYours faithfully,\n\n{name}\n\n"
            "-------------------------------------------------------------------\n\n"
            f"Please use this email address for all replies to this request:\n{addr}\n\n"
            "Disclaimer: This message and any reply that you make will be published on the internet.")


def people(n: int):
    auth = AUTHORITIES[n % len(AUTHORITIES)]
    req = REQUESTERS[n % len(REQUESTERS)]
    frm = f"{auth[1]} <{auth[3]}>" if auth[1].isascii() else f"{q_header(auth[1])} <{auth[3]}>"
    to = f"{req[0]} <{req[1]}>"
    return auth, req, frm, to


SUBJECT = "Re: Freedom of Information request - Pothole repairs 2021-2023"

from cases_auto import build_auto, build_bounces, build_spam  # noqa: E402
from cases_extra import build_extra  # noqa: E402
from cases_human import build_human  # noqa: E402


def main() -> None:
    ctx = globals()
    build_human(ctx)
    build_auto(ctx)
    build_bounces(ctx)
    build_spam(ctx)
    build_extra(ctx)
    for old in HERE.glob("*.eml"):
        old.unlink()
    labels = {}
    for name, (raw, label) in sorted(CASES.items()):
        (HERE / name).write_bytes(raw)
        labels[name] = label
    (HERE / "labels.json").write_text(json.dumps(labels, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    kinds = {}
    for label in labels.values():
        kinds[label["kind"]] = kinds.get(label["kind"], 0) + 1
    print(f"wrote {len(labels)} messages: {kinds}")


if __name__ == "__main__":
    main()
