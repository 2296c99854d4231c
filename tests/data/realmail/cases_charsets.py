"""Corpus cases for charsets, broken MIME and attachments (human replies)."""
from __future__ import annotations

import base64

import binary_fixtures as fx
from corpus_text import ANSWERS, ANSWERS_EN
from mimekit import Leaf, Multi, attachment, b64, html, message, q_header, qp, text


def build_charsets(g: dict, nxt, simple) -> None:  # noqa: C901
    add, base_headers, quoted, request_text, people, SUBJECT = (
        g["add"], g["base_headers"], g["quoted"], g["request_text"], g["people"], g["SUBJECT"])

    def raw_leaf(ctype: str, body: bytes, cte: str | None = "8bit") -> Leaf:
        return Leaf(ctype, body, cte)

    def case(name, body_leaf, new, client="outlook", subject=SUBJECT, extra_headers=(), eol=b"\n", k=None):
        k = k or nxt()
        auth, req, frm, to = people(k)
        add(name, message(base_headers(k, frm, to, subject, client) + list(extra_headers), body_leaf, eol), "human", new)

    def with_quote(new, k):
        auth, req, frm, to = people(k)
        import unicodedata
        orig = request_text(k, req[0], req[1]).replace("£", "GBP ")
        orig = unicodedata.normalize("NFKD", orig).encode("ascii", "ignore").decode()
        return f"{new}\n\nOn Mon, 4 Mar 2024 at 10:15, {req[0]} <{req[1]}> wrote:\n{quoted(orig)}\n"

    # --- charsets ------------------------------------------------------------------------------------
    for cs, lang, cte in [("koi8-r", "ru", "8bit"), ("windows-1251", "ru", "quoted-printable"), ("shift_jis", "ja", "base64"),
                          ("iso-2022-jp", "ja", "7bit"), ("gb2312", "zh", "base64"), ("big5", "zh_tw", "base64"),
                          ("utf-8", "de", "base64"), ("iso-8859-15", "fr", "quoted-printable"), ("utf-16", "es", "base64")]:
        k = nxt()
        new = ANSWERS[lang]
        body = with_quote(new, k)
        data = body.encode(cs)
        if cte == "base64":
            leaf = raw_leaf(f"text/plain; charset={cs}", b64(data), "base64")
        elif cte == "quoted-printable":
            leaf = raw_leaf(f'text/plain; charset="{cs}"', qp(body, cs), "quoted-printable")
        else:
            leaf = raw_leaf(f"text/plain; charset={cs.upper()}", data, cte)
        case(f"charset-{cs}.eml", leaf, new, "gmail", subject=q_header("Re: " + new.split("\n")[0][:30], cs if cs not in ("utf-16",) else "utf-8", "B"), k=k)
    # HZ-GB-2312 (7-bit Chinese of old Usenet/Netscape), UTF-7 (old Exchange/webmail)
    k = nxt(); new = ANSWERS["zh"]
    case("charset-hz-gb-2312.eml", raw_leaf("text/plain; charset=HZ-GB-2312", with_quote(new, k).encode("hz"), "7bit"), new, "squirrel", k=k)
    k = nxt(); new = ANSWERS["fr"]
    case("charset-utf-7.eml", raw_leaf("text/plain; charset=utf-7", with_quote(new, k).encode("utf-7"), "7bit"), new, "horde",
         subject="=?utf-7?Q?R+AOk-ponse?=", k=k)
    # mislabelled: UTF-8 bytes labelled iso-8859-1; cp1252 bytes labelled utf-8; 8-bit with no charset; unknown charset
    k = nxt(); new = ANSWERS["de"]
    case("mislabelled-utf8-as-latin1.eml", raw_leaf("text/plain; charset=iso-8859-1", with_quote(new, k).encode("utf-8")), new, "squirrel", k=k)
    k = nxt(); new = "Dear Ms Doe,\n\nThe café contract (“Café Rouge”) cost £12,500 – see attached.\n\nRegards,\nTom"
    case("mislabelled-cp1252-as-utf8.eml", raw_leaf("text/plain; charset=utf-8", with_quote(new, k).encode("cp1252")), new, "outlook", k=k)
    k = nxt(); new = "Hello,\n\nThe fee is £0 and the déjà-vu report is attached.\n\nRegards"
    case("no-charset-8bit.eml", raw_leaf("text/plain", with_quote(new, k).encode("cp1252")), new, "squirrel", k=k)
    k = nxt(); new = "Bonjour,\n\nLa réponse à votre demande est jointe.\n\nCordialement"
    case("unknown-charset.eml", raw_leaf("text/plain; charset=x-mac-roman-bogus", with_quote(new, k).encode("cp1252")), new, "horde", k=k)
    k = nxt(); new = "Hello, this is plain ASCII but labelled with an empty charset."
    case("empty-charset.eml", raw_leaf('text/plain; charset=""', with_quote(new, k).encode("ascii")), new, "roundcube", k=k)
    k = nxt(); new = ANSWERS["cy"]
    case("ks-c-5601-subject-utf8-body.eml", raw_leaf("text/plain; charset=utf-8", with_quote(new, k).encode()), new, "outlook",
         subject="=?ks_c_5601-1987?B?" + base64.b64encode("답장: 정보공개".encode("cp949")).decode() + "?=", k=k)
    # 8-bit raw headers (UTF-8 and Latin-1 bytes, no RFC 2047)
    for hcs in ["utf-8", "latin-1"]:
        k = nxt(); auth, req, frm, to = people(k)
        new = "Sehr geehrte Frau Doe,\n\nanbei die Unterlagen.\n\nGrüße aus Köln"
        hdr = base_headers(k, frm, to, "Re: Anfrage Straßenschäden", "squirrel")
        raw = message([h.replace("Jürgen", "Jürgen") for h in hdr] + ["X-Note: 8-bit header"], raw_leaf(f"text/plain; charset={hcs}", with_quote(new, k).encode(hcs)))
        raw = raw.replace("Straßenschäden".encode(), "Straßenschäden".encode(hcs))
        add(f"8bit-headers-{hcs}.eml", raw, "human", new)

    # --- broken MIME ---------------------------------------------------------------------------------
    k = nxt(); new = ANSWERS_EN[0]
    data = b64(with_quote(new, k).encode())
    data = data[:120] + b"!!*\x01" + data[120:]  # garbage in the middle
    case("bad-base64-garbage.eml", raw_leaf("text/plain; charset=utf-8", data, "base64"), new, "outlook", k=k)
    k = nxt(); new = ANSWERS_EN[2]
    data = base64.b64encode(with_quote(new, k).encode())
    case("bad-base64-unpadded.eml", raw_leaf("text/plain; charset=utf-8", data.rstrip(b"=") + b"\n", "base64"), new, "gmail", k=k)
    k = nxt(); new = "The total cost was £1,204,000 = 12% of the budget.\n\nRegards"
    body = with_quote(new, k).encode("cp1252").replace(b"=", b"=3D").replace(b"12%", b"12%=\n")
    body = body.replace(b"\xa3", b"=A3").replace(b"budget.", b"budget.=ZZ") .replace(b"=ZZ", b"")
    body = body.replace(b"= 12", b"=3D 12") + b"=\n"
    case("bad-quoted-printable.eml", raw_leaf("text/plain; charset=windows-1252", body, "quoted-printable"), new, "outlook", k=k)
    k = nxt(); new = "Figures attached; the last part of this message has no closing boundary."
    mp = Multi("mixed", [text(with_quote(new, k), "utf-8"), attachment("figures.csv", "text/csv", b"year,count\n2023,6240\n")], "=_bnd_open", close=False)
    case("missing-final-boundary.eml", mp, new, "roundcube", k=k)
    k = nxt(); new = ANSWERS_EN[4]
    raw_body = with_quote(new, k).encode()
    mixed = raw_body.replace(b"\n", b"\r\n", raw_body.count(b"\n") // 2)
    case("mixed-line-endings.eml", raw_leaf("text/plain; charset=utf-8", mixed), new, "squirrel", eol=b"\r\n", k=k)
    k = nxt(); new = ANSWERS_EN[1]
    case("crlf-line-endings.eml", text(with_quote(new, k), "utf-8"), new, "outlook", eol=b"\r\n", k=k)
    k = nxt(); new = "Our answer: yes, the report exists."
    auth, req, frm, to = people(k)
    bad = (b"Content-Type: multipart/alternative; boundary=\"wrong-boundary\"\n\n--actual-boundary\nContent-Type: text/plain\n\n"
           + with_quote(new, k).encode() + b"\n--actual-boundary--\n")
    add("boundary-mismatch.eml", "\n".join(base_headers(k, frm, to, SUBJECT, "horde")).encode() + b"\nMIME-Version: 1.0\n" + bad, "human", new)
    k = nxt(); new = "We hold no such records."
    auth, req, frm, to = people(k)
    add("no-mime-version-latin1.eml", "\n".join(base_headers(k, frm, to, SUBJECT, "squirrel")).encode().replace(b"MIME-Version: 1.0\n", b"")
        + b"\n\n" + with_quote(new, k).encode("latin-1"), "human", new)
    k = nxt(); new = "Reply with a header folded badly and no blank line issues."
    auth, req, frm, to = people(k)
    hdr = base_headers(k, frm, to, SUBJECT, "outlook")
    hdr = [h if not h.startswith("Subject") else "Subject: Re: Freedom of\n Information\n\trequest" for h in hdr]
    add("folded-headers.eml", message(hdr, text(with_quote(new, k), "us-ascii")), "human", new)

    # --- attachments -----------------------------------------------------------------------------------
    att_cases = [
        ("scanner-pdf-xerox.eml", "Please open the attached document. It was scanned and sent to you using a Xerox multifunction device.",
         [("Scan_0304_1015.pdf", "application/pdf", fx.pdf(["Response to FOI-2024-0113", "We hold 6,240 records."]))], "Scanned from a Xerox Multifunction Printer"),
        ("scanner-pdf-octet-stream.eml", "This E-mail was sent from \"RNP002673\" (MP C3004ex).\n\nScan Date: 04.03.2024 10:15:22 (+0000)\nQueries to: scanner@council.example.gov.uk",
         [("20240304101522.pdf", "application/octet-stream", fx.pdf(["Decision letter"]))], "Message from \"RNP002673\""),
        ("attachment-docx.eml", ANSWERS_EN[1], [("Response FOI-2024-0113.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", fx.docx(["Response letter", "We enclose the contracts."]))], SUBJECT),
        ("attachment-xlsx.eml", ANSWERS_EN[6], [("figures.xlsx", "application/octet-stream", fx.xlsx([["Year", "Potholes"], ["2023", "6240"]]))], SUBJECT),
        ("attachment-odt.eml", ANSWERS["nl"], [("besluit.odt", "application/vnd.oasis.opendocument.text", fx.odt(["Besluit op uw Woo-verzoek", "Wij maken de documenten openbaar."]))], SUBJECT),
        ("attachment-csv-rtf.eml", ANSWERS_EN[0], [("data.csv", "text/csv", b"year,potholes\n2021,4312\n2022,5108\n"), ("letter.rtf", "application/msword", fx.rtf(["Dear Ms Doe", "Cost £5"]))], SUBJECT),
        ("attachment-html-file.eml", ANSWERS_EN[3], [("report.html", "text/html", b"<html><body><h1>Report</h1><p>Agency spend &pound;3.2m</p></body></html>")], SUBJECT),
        ("attachment-zip.eml", "Please find the documents in the attached zip file.\n\nRegards,\nFOI Team",
         [("documents.zip", "application/zip", fx.zip_of([("letter.pdf", fx.pdf(["Zip letter"])), ("data/figures.csv", b"a,b\n1,2\n")]))], SUBJECT),
        ("attachment-winmail-dat.eml", "Please see attached.\n\nFOI Team",
         [("winmail.dat", "application/ms-tnef", fx.tnef([("Response.pdf", fx.pdf(["Inside TNEF"])), ("notes.txt", b"tnef notes")]))], SUBJECT),
        ("attachment-msg-corrupt.eml", "The original email is attached as an Outlook item.",
         [("Original request.msg", "application/vnd.ms-outlook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"broken")], SUBJECT),
    ]
    for name, new, atts, subj in att_cases:
        k = nxt()
        parts = [text(new + "\n", "utf-8")] + [attachment(fn, ct, data) for fn, ct, data in atts]
        case(name, Multi("mixed", parts, f"----=_NextPart_{k:03d}_0000_01DA6E1F.ABCDEF00"), new,
             "outlook" if "scanner" not in name else "squirrel", subject=subj, k=k)
    # encoded filenames: RFC 2231 and RFC 2047
    k = nxt(); new = "Le document est joint."
    leaf = Leaf("application/pdf", b64(fx.pdf(["Réponse"])), "base64",
                ["Content-Disposition: attachment;\n filename*=utf-8''R%C3%A9ponse%20%C3%A0%20la%20demande.pdf"])
    case("filename-rfc2231.eml", Multi("mixed", [text(new, "utf-8"), leaf], "b2231"), new, "thunderbird", k=k)
    k = nxt(); new = "Die Antwort ist angehängt."
    leaf = Leaf('application/pdf; name="=?iso-8859-1?Q?Antwort_Stra=DFensch=E4den.pdf?="', b64(fx.pdf(["Antwort"])), "base64",
                ['Content-Disposition: attachment; filename="=?iso-8859-1?Q?Antwort_Stra=DFensch=E4den.pdf?="'])
    case("filename-rfc2047.eml", Multi("mixed", [text(new, "utf-8"), leaf], "b2047"), new, "outlook", k=k)
    k = nxt(); new = "Nasty name test."
    leaf = Leaf('application/octet-stream; name="../../etc/passwd"', b64(b"root:x:0:0"), "base64", ['Content-Disposition: attachment; filename="../../etc/passwd"'])
    case("filename-path-traversal.eml", Multi("mixed", [text(new, "utf-8"), leaf], "btrav"), new, "squirrel", k=k)
    # uuencoded attachment inline in a plain body, and as x-uuencode transfer encoding
    k = nxt(); new = "The data file is below."
    import binascii
    uu = b"begin 644 data.txt\n" + b"".join(binascii.b2a_uu(b"potholes 2023: 6240\n"[i:i + 45]) for i in range(0, 20, 45)) + b"`\nend\n"
    case("uuencoded-inline.eml", raw_leaf("text/plain; charset=us-ascii", new.encode() + b"\n\n" + uu, "7bit"), new, "squirrel", k=k)
    k = nxt(); new = "Attached with old-style encoding."
    leaf = Leaf('application/octet-stream; name="old.txt"', uu.replace(b"data.txt", b"old.txt"), "x-uuencode", ['Content-Disposition: attachment; filename="old.txt"'])
    case("uuencoded-cte.eml", Multi("mixed", [text(new, "us-ascii"), leaf], "buu"), new, "horde", k=k)
    # nested message/rfc822 (a forwarded email as an attachment)
    k = nxt(); new = "The email you asked about is attached."
    inner = (b"From: Highways <highways@example.gov.uk>\nTo: FOI <foi@example.gov.uk>\nSubject: potholes\nDate: Mon, 4 Mar 2024 09:00:00 +0000\n"
             b"Content-Type: text/plain; charset=utf-8\n\nWe fixed 6,240 potholes.\n")
    leaf = Leaf("message/rfc822", inner, None, ['Content-Disposition: attachment; filename="potholes.eml"'])
    case("nested-message-rfc822.eml", Multi("mixed", [text(new, "utf-8"), leaf], "bnest"), new, "thunderbird", k=k)
    # Outlook-style multipart/related with inline image and the text in an alternative
    k = nxt(); new = ANSWERS_EN[5]
    rel = Multi("related", [Multi("alternative", [text(new, "windows-1252"), html("<p>" + new.replace("\n", "<br>") + '</p><img src="cid:image001.png@01DA6E1F">', "windows-1252")], "alt-in-rel"),
                            Leaf("image/png; name=\"image001.png\"", b64(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), "base64", ["Content-ID: <image001.png@01DA6E1F>", "Content-Disposition: inline; filename=\"image001.png\""])],
                "rel-bnd", params='; type="multipart/alternative"')
    case("outlook-related-inline-image.eml", rel, new, "outlook", k=k)
    # Apple Mail: text, attachment, text again (the body is split around the file)
    k = nxt(); new1, new2 = "Here is the first document.", "And here is my note after it.\n\nTom"
    mp = Multi("mixed", [text(new1, "us-ascii", "7bit"), attachment("a.pdf", "application/pdf", fx.pdf(["A"])), text(new2, "us-ascii", "7bit")], "Apple-Mail=_1A2B3C4D")
    case("apple-text-attachment-text.eml", mp, new1 + "\n\n" + new2, "thunderbird", k=k)
