"""Human replies for the corpus: every quoting style, many clients, charsets and broken MIME."""
from __future__ import annotations

import html as htmlmod

from corpus_text import ANSWERS, ANSWERS_EN, ATTRIBUTIONS, OUTLOOK_BLOCKS
from mimekit import Multi, html, message, text


def _p(s: str) -> str:
    """Plain text to the HTML a client writes for it."""
    return "".join(f"<p>{htmlmod.escape(par).replace(chr(10), '<br>')}</p>" for par in s.split("\n\n"))


def build_human(g: dict) -> None:  # noqa: C901 - a long list of cases, read top to bottom
    add, base_headers, quoted, request_text, people, SUBJECT = (
        g["add"], g["base_headers"], g["quoted"], g["request_text"], g["people"], g["SUBJECT"])
    n = 0

    def nxt() -> int:
        nonlocal n
        n += 1
        return n

    # --- Outlook / Exchange: -----Original Message----- -------------------------------------
    for i, cs in enumerate(["windows-1252", "us-ascii", "iso-8859-1", "utf-8"]):
        k = nxt()
        auth, req, frm, to = people(k)
        new = ANSWERS_EN[i] if cs != "us-ascii" else ANSWERS_EN[2]
        orig = request_text(k, req[0], req[1])
        body = f"{new}\n\n-----Original Message-----\nFrom: {req[0]} [mailto:{req[1]}]\nSent: 04 March 2024 10:15\nTo: FOI <{auth[3]}>\nSubject: Freedom of Information request - Pothole repairs\n\n{orig}\n"
        part = text(body, cs if cs != "us-ascii" else "us-ascii")
        alt = Multi("alternative", [part, html(_p(new) + "<div><p>-----Original Message-----<br>From: x</p></div>" + _p(orig), cs if cs != "us-ascii" else "utf-8")], f"_000_EX{k}_")
        add(f"outlook-original-message-{cs}.eml", message(base_headers(k, frm, to, SUBJECT, "outlook"), alt), "human", new)

    # --- Outlook header blocks in seven languages --------------------------------------------
    for lang, (f_, s_, t_, sub_, when) in OUTLOOK_BLOCKS.items():
        k = nxt()
        auth, req, frm, to = people(k)
        new = ANSWERS.get(lang, ANSWERS_EN[3])
        orig = request_text(k, req[0], req[1])
        block = f"________________________________\n{f_} {req[0]} <{req[1]}>\n{s_} {when}\n{t_} {auth[3]}\n{sub_} Freedom of Information request\n\n{orig}"
        body = f"{new}\n\n{block}\n"
        hblock = (f'<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal">'
                  f"<b>{f_}</b> {htmlmod.escape(req[0])} &lt;{req[1]}&gt;<br><b>{s_}</b> {when}<br><b>{t_}</b> {auth[3]}<br>"
                  f"<b>{sub_}</b> Freedom of Information request</p></div>")
        alt = Multi("alternative", [text(body, "windows-1252" if lang != "pt" else "iso-8859-1"),
                                    html("<html><body>" + _p(new) + hblock + _p(orig) + "</body></html>", "windows-1252")], f"_000_{lang}{k}_")
        add(f"outlook-header-block-{lang}.eml", message(base_headers(k, frm, to, "RE: " + SUBJECT[4:], "outlook"), alt), "human", new)
    # Outlook HTML-only (the plain part missing): the border-top block becomes From:/Sent: lines
    for lang in ("en", "de"):
        k = nxt()
        auth, req, frm, to = people(k)
        f_, s_, t_, sub_, when = OUTLOOK_BLOCKS[lang]
        new = ANSWERS_EN[5] if lang == "en" else ANSWERS["de"]
        hb = (f'<html><head><style>p.MsoNormal {{margin:0cm}}</style></head><body lang="EN-GB"><div class="WordSection1">{_p(new)}'
              f'<div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal"><b>{f_}</b> {req[0]} &lt;{req[1]}&gt;<br>'
              f"<b>{s_}</b> {when}<br><b>{t_}</b> FOI<br><b>{sub_}</b> FOI request</p></div>{_p(request_text(k, req[0], req[1]))}</div></body></html>")
        add(f"outlook-html-only-{lang}.eml", message(base_headers(k, frm, to, "RE: FOI request", "outlook"), html(hb, "utf-8")), "human", new)

    # --- Gmail "On … wrote:" in eight languages ---------------------------------------------
    for lang, attribution in ATTRIBUTIONS.items():
        k = nxt()
        auth, req, frm, to = people(k)
        new = ANSWERS.get(lang, ANSWERS_EN[4])
        orig = request_text(k, req[0], req[1])
        attr = attribution.format(name=req[0], addr=req[1])
        body = f"{new}\n\n{attr}\n\n{quoted(orig)}\n"
        hq = (f'<div dir="ltr">{_p(new)}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">{htmlmod.escape(attr)}<br></div>'
              f'<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">{_p(orig)}</blockquote></div>')
        alt = Multi("alternative", [text(body, "UTF-8"), html(hq, "UTF-8")], f"000000000000{k:04d}a0b1c2d3e4f5")
        add(f"gmail-on-wrote-{lang}.eml", message(base_headers(k, frm, to, SUBJECT, "gmail"), alt), "human", new)
    # Gmail wraps a long attribution over two lines
    for lang in ("en", "fr"):
        k = nxt()
        auth, req, frm, to = people(k)
        new = ANSWERS_EN[6] if lang == "en" else ANSWERS["fr"]
        attr = {"en": f"On Mon, 4 Mar 2024 at 10:15, {req[0]} <\n{req[1]}> wrote:",
                "fr": f"Le lun. 4 mars 2024 à 10:15, {req[0]} <\n{req[1]}> a écrit :"}[lang]
        body = f"{new}\n\n{attr}\n\n{quoted(request_text(k, req[0], req[1]))}\n"
        add(f"gmail-wrapped-attribution-{lang}.eml", message(base_headers(k, frm, to, SUBJECT, "gmail"), text(body, "UTF-8")), "human", new)
    # Gmail HTML-only with a list, a link and a table
    k = nxt()
    auth, req, frm, to = people(k)
    hb = ('<div dir="ltr"><div>Dear Ms Doe,</div><div><br></div><div>The figures you asked for:</div><ul><li>2021: 4,312</li>'
          '<li>2022: 5,108</li></ul><div>See also <a href="https://www.hants-cc.example.gov.uk/foi/disclosure-log">our disclosure log</a>.</div>'
          '<table><tr><td>Year</td><td>Cost</td></tr><tr><td>2023</td><td>£1,204,000</td></tr></table><div>Regards,<br>Sarah</div></div><br>'
          f'<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 4 Mar 2024 at 10:15, {req[0]} &lt;{req[1]}&gt; wrote:<br></div>'
          f'<blockquote class="gmail_quote">{_p(request_text(k, req[0], req[1]))}</blockquote></div>')
    add("gmail-html-only-list-table-link.eml", message(base_headers(k, frm, to, SUBJECT, "gmail"), html(hb, "UTF-8")), "human",
        "Dear Ms Doe,\n\nThe figures you asked for:\n- 2021: 4,312\n- 2022: 5,108\nSee also our disclosure log <https://www.hants-cc.example.gov.uk/foi/disclosure-log>.\n"
        "Year | Cost\n2023 | £1,204,000\nRegards,\nSarah")

    # --- Apple Mail ------------------------------------------------------------------------
    for i in range(3):
        k = nxt()
        auth, req, frm, to = people(k)
        new = ANSWERS_EN[(i + 3) % len(ANSWERS_EN)]
        body = f"{new}\n\n> On 4 Mar 2024, at 10:15, {req[0]} <{req[1]}> wrote:\n> \n{quoted(request_text(k, req[0], req[1]))}\n"
        if i == 1:
            body = f"{new}\n\nOn 4 Mar 2024, at 10:15, {req[0]} <{req[1]}> wrote:\n\n{quoted(request_text(k, req[0], req[1]))}\n"
        hdr = [h for h in base_headers(k, frm, to, SUBJECT, "apple") if not h.startswith(("Content-Type", "Mime-Version"))]
        add(f"apple-mail-{i + 1}.eml", message(hdr + ["Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3731.700.6\\))"],
                                               text(body, "utf-8", "quoted-printable")), "human", new)
    k = nxt()
    auth, req, frm, to = people(k)
    new = ANSWERS_EN[7]
    hb = (f'<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto">{_p(new)}'
          f'<div dir="ltr"><br><blockquote type="cite">On 4 Mar 2024, at 10:15, {req[0]} &lt;{req[1]}&gt; wrote:<br><br></blockquote></div>'
          f'<blockquote type="cite"><div dir="ltr">{_p(request_text(k, req[0], req[1]))}</div></blockquote></body></html>')
    hdr = [h for h in base_headers(k, frm, to, SUBJECT, "apple") if not h.startswith(("Content-Type", "Mime-Version"))]
    add("apple-mail-html-only.eml", message(hdr + ["Mime-Version: 1.0 (1.0)"], html(hb, "utf-8")), "human", new)

    # --- Thunderbird -----------------------------------------------------------------------
    for i in range(3):
        k = nxt()
        auth, req, frm, to = people(k)
        new = ANSWERS_EN[(i + 1) % len(ANSWERS_EN)]
        body = f"{new}\n\nOn 04/03/2024 10:15, {req[0]} wrote:\n{quoted(request_text(k, req[0], req[1]))}\n"
        if i == 2:
            body = f"{new}\n\n-- \n{auth[1]}\n{auth[2]}\n{auth[0]}\nTel: 01632 960 001\n\nOn 04/03/2024 10:15, {req[0]} wrote:\n{quoted(request_text(k, req[0], req[1]))}\n"
        add(f"thunderbird-{i + 1}.eml", message(base_headers(k, frm, to, SUBJECT, "thunderbird"), text(body, "UTF-8", "8bit", flowed=True)), "human", new)

    # --- Yahoo ----------------------------------------------------------------------------------
    for i in range(2):
        k = nxt()
        auth, req, frm, to = people(k)
        new = ANSWERS_EN[i + 4]
        hb = (f'<html><head></head><body><div class="ydp3f1a2b3cyahoo-style-wrap" style="font-family:Helvetica Neue, Helvetica, Arial, sans-serif;font-size:13px;">'
              f"{_p(new)}</div><div id=\"ydp3f1a2b3cyahoo_quoted_{k}\" class=\"ydp3f1a2b3cyahoo_quoted yahoo_quoted\"><div style=\"font-family:'Helvetica Neue'\">"
              f"<div>On Monday, 4 March 2024, 10:15:02 GMT, {req[0]} &lt;{req[1]}&gt; wrote:</div><div><br></div><div><br></div>"
              f'<div><div dir="ltr">{_p(request_text(k, req[0], req[1]))}</div></div></div></div></body></html>')
        alt = Multi("alternative", [html(hb, "UTF-8")] if i == 0 else
                    [text(f"{new}\n\n    On Monday, 4 March 2024, 10:15:02 GMT, {req[0]} <{req[1]}> wrote:\n\n {request_text(k, req[0], req[1])}\n", "UTF-8"), html(hb, "UTF-8")],
                    f"----=_Part_{k}_123456.1709547302")
        add(f"yahoo-{i + 1}.eml", message(base_headers(k, frm, to, SUBJECT, "yahoo"), alt), "human", new)
    k = nxt()
    auth, req, frm, to = people(k)
    new = ANSWERS_EN[1]
    body = f"{new}\n\n----- Original Message -----\nFrom: \"{req[0]}\" <{req[1]}>\nTo: <{auth[3]}>\nSent: Monday, March 04, 2024 10:15 AM\nSubject: FOI request\n\n\n{request_text(k, req[0], req[1])}\n"
    add("yahoo-classic-original-message.eml", message(base_headers(k, frm, to, SUBJECT, "yahoo"), text(body, "iso-8859-1")), "human", new)

    # --- Lotus Notes ----------------------------------------------------------------------------
    for i in range(2):
        k = nxt()
        auth, req, frm, to = people(k)
        new = ANSWERS_EN[i]
        body = (f"{new}\n\n\n\n\nFrom:\t\"{req[0]}\" <{req[1]}>\nTo:\tFOI/Council@Council\nDate:\t04/03/2024 10:15\n"
                f"Subject:\tFreedom of Information request\n\n\n\n{request_text(k, req[0], req[1])}\n")
        add(f"lotus-notes-header-{i + 1}.eml", message(base_headers(k, frm, to, SUBJECT, "lotus"), text(body, "US-ASCII" if i else "ISO-8859-1")), "human", new)
    for i in range(2):
        k = nxt()
        auth, req, frm, to = people(k)
        new = ANSWERS_EN[i + 2]
        body = (f"{new}\n\n\n\n{req[0]} <{req[1]}>\n04/03/2024 10:15\n\nTo\nfoi@council.example.gov.uk\ncc\n\nSubject\n"
                f"Freedom of Information request\n\n\n\n\n\n{request_text(k, req[0], req[1])}\n")
        add(f"lotus-notes-8-{i + 1}.eml", message(base_headers(k, frm, to, SUBJECT, "lotus"), text(body, "US-ASCII")), "human", new)
    k = nxt()
    auth, req, frm, to = people(k)
    new = ANSWERS_EN[4]
    body = f"{new}\n\n-----{req[1]} wrote: -----\nTo: FOI/Council@Council\nFrom: {req[0]}\nDate: 04/03/2024 10:15\nSubject: FOI\n\n{request_text(k, req[0], req[1])}\n"
    add("lotus-notes-wrote-dashes.eml", message(base_headers(k, frm, to, SUBJECT, "lotus"), text(body, "US-ASCII")), "human", new)

    g["_human_n"] = n
    from cases_human2 import build_human2
    build_human2(g, nxt)
