"""More human replies: forwards, interleaving, signatures, disclaimers, charsets, broken MIME, attachments."""
from __future__ import annotations

from corpus_text import ANSWERS, ANSWERS_EN, DISCLAIMERS
from mimekit import message, text


def build_human2(g: dict, nxt) -> None:  # noqa: C901
    add, base_headers, quoted, request_text, people, SUBJECT = (
        g["add"], g["base_headers"], g["quoted"], g["request_text"], g["people"], g["SUBJECT"])

    def simple(name, body, client="outlook", cs="utf-8", cte="quoted-printable", new=None, subject=SUBJECT, k=None):
        k = k or nxt()
        auth, req, frm, to = people(k)
        add(name, message(base_headers(k, frm, to, subject, client), text(body, cs, cte)), "human", new)

    # --- forwarded blocks -----------------------------------------------------------------------
    k = nxt(); auth, req, frm, to = people(k)
    new = "Jane, forwarding the reply from our highways team below, which answers your question.\n\nSarah"
    body = (f"{new}\n\n---------- Forwarded message ---------\nFrom: Highways Team <highways@hants-cc.example.gov.uk>\n"
            "Date: Mon, 4 Mar 2024 at 09:00\nSubject: pothole figures\nTo: Sarah Bennett <foi@hants-cc.example.gov.uk>\n\n"
            "Figures attached, 6,240 for 2023.\n")
    simple("gmail-forwarded.eml", body, "gmail", new=new, k=k)
    k = nxt(); auth, req, frm, to = people(k)
    new = "Please see the department's answer below."
    body = (f"{new}\n\nBegin forwarded message:\n\nFrom: Priya Raman <foirequests@dft.example.gov.uk>\nSubject: Board minutes\n"
            "Date: 4 March 2024 at 09:12:44 GMT\nTo: FOI <foi@dft.example.gov.uk>\n\nThe minutes are attached.\n")
    simple("apple-begin-forwarded.eml", body, "apple", new=new, k=k)
    k = nxt(); auth, req, frm, to = people(k)
    new = "FYI - reply from Legal."
    body = (f"{new}\n\n________________________________\nFrom: Legal Services\nSent: 04 March 2024 09:00\nTo: FOI Team\n"
            "Subject: FW: contracts\n\nNo objection to release with redactions.\n")
    simple("outlook-fw.eml", body, new=new, subject="FW: contracts", k=k)
    k = nxt(); auth, req, frm, to = people(k)
    new = "Voici la réponse du service juridique."
    body = f"{new}\n\n-------- Message transféré --------\nSujet : contrats\nDate : Mon, 4 Mar 2024 09:00\nDe : Service juridique\n\nAucune objection.\n"
    simple("thunderbird-forward-fr.eml", body, "thunderbird", new=new, subject="Fwd: contrats", k=k)

    # --- interleaved answers: the answers must stay in new_text --------------------------------
    for i, (intro, pairs) in enumerate([
        ("Hello Jane, answers inline below.", [("1. How many potholes were reported in 2023?", "6,240."),
                                               ("2. How much was spent on repairs?", "£1,204,000."),
                                               ("3. Which contractor did the work?", "Roadfix Ltd, under contract HCC/2021/77.")]),
        ("", [("Could you please send the minutes of the March meeting?", "Attached."),
              ("And the June meeting?", "Not yet approved; we will publish them in July.")]),
        ("See my comments marked below.", [("How many body-worn cameras were in use?", "1,180 in 2023."),
                                           ("What did storage cost?", "£86,400 for the year.")]),
        ("", [("Please confirm receipt.", "Confirmed, thank you."),
              ("When will you reply?", "By 2 May 2024 at the latest.")]),
    ]):
        k = nxt(); auth, req, frm, to = people(k)
        lines = []
        if intro:
            lines += [intro, ""]
        lines += [f"On Mon, 4 Mar 2024 at 10:15, {req[0]} <{req[1]}> wrote:"] if i % 2 == 0 else [f"{req[0]} wrote:"]
        for q, a in pairs:
            lines += [f"> {q}", "", a, ""]
        lines += ["Regards,", auth[1]] if i != 3 else []
        lines += ["", "> Yours faithfully,", ">", f"> {req[0]}"]
        expected = "\n".join(lines[: len(lines) - 4]).strip()
        simple(f"interleaved-{i + 1}.eml", "\n".join(lines) + "\n", ["gmail", "thunderbird", "squirrel", "apple"][i], new=expected, k=k)

    # --- bottom posting ----------------------------------------------------------------------------
    for i in range(2):
        k = nxt(); auth, req, frm, to = people(k)
        new = ANSWERS_EN[i + 2]
        attr = f"On 04/03/2024 10:15, {req[0]} wrote:" if i == 0 else f"{req[0]} wrote:"
        body = f"{attr}\n{quoted(request_text(k, req[0], req[1]))}\n\n{new}\n"
        simple(f"bottom-posted-{i + 1}.eml", body, ["thunderbird", "horde"][i], new=new, k=k)

    # --- signatures, disclaimers, mobile footers ---------------------------------------------------
    for i in range(3):
        k = nxt(); auth, req, frm, to = people(k)
        new = ANSWERS_EN[(i + 5) % len(ANSWERS_EN)]
        body = f"{new}\n-- \n{auth[1]} | {auth[2]}\n{auth[0]}\nT: 01632 960{i:03d} | www.example.gov.uk\n"
        simple(f"signature-dashdash-{i + 1}.eml", body, ["thunderbird", "roundcube", "squirrel"][i], new=new, k=k)
    for i, disc in enumerate(DISCLAIMERS):
        k = nxt(); auth, req, frm, to = people(k)
        new = ANSWERS_EN[i] if i < 2 else ANSWERS[["fr", "de", "cy"][i - 2]]
        quote = f"\n\n-----Original Message-----\nFrom: {req[0]}\nSent: 04 March 2024 10:15\nTo: FOI\nSubject: FOI\n\n{request_text(k, req[0], req[1])}\n" if i % 2 else ""
        sep = ["\n\n**********************************************************************\n", "\n\n", "\n\n____\n", "\n\n", "\n\n"][i]
        body = f"{new}{sep}{disc}\n\nThis email has been scanned for viruses.{quote}"
        simple(f"disclaimer-{i + 1}.eml", body, "outlook", cs="windows-1252", new=new, k=k)
    for i, footer in enumerate(["Sent from my iPhone", "Get Outlook for Android", "Envoyé de mon iPad"]):
        k = nxt(); auth, req, frm, to = people(k)
        new = ["Received, thanks. We will reply within 20 working days.", "Yes that's fine, I'll send it on Monday.", "Bien reçu, merci."][i]
        body = f"{new}\n\n{footer}\n\n> On 4 Mar 2024, at 10:15, {req[0]} <{req[1]}> wrote:\n> \n{quoted(request_text(k, req[0], req[1]))}\n"
        simple(f"mobile-{i + 1}.eml", body, "apple", new=new, k=k)

    # --- no quote at all ---------------------------------------------------------------------------
    for i in range(5):
        k = nxt()
        new = (ANSWERS_EN + [ANSWERS["it"], ANSWERS["pt"], ANSWERS["nl"]])[(i * 3) % 11]
        if i == 4:
            new = ("Dear Jane,\n\nOn Monday we discussed the request by phone. As agreed, we wrote to the contractor, "
                   "who told us that he wrote: the figures are commercially sensitive. Our decision follows.\n\nRegards,\nTom")
        simple(f"no-quote-{i + 1}.eml", new + "\n", ["outlook", "gmail", "thunderbird", "lotus", "roundcube"][i], new=new, k=k)

    from cases_charsets import build_charsets
    build_charsets(g, nxt, simple)
