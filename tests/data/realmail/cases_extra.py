"""Harder corner cases added after the first corpus: null-sender auto-replies, look-alike humans, odd quoting."""
from __future__ import annotations

from corpus_text import ANSWERS, ANSWERS_EN
from mimekit import html, message, text


def build_extra(g: dict) -> None:
    add, base_headers, quoted, request_text, people = g["add"], g["base_headers"], g["quoted"], g["request_text"], g["people"]
    n = 700

    def nextn() -> int:
        nonlocal n
        n += 1
        return n

    # Exchange sends out-of-office replies with a null return path: still auto replies, not bounces
    for lang, subject, body in [("en", "Automatic reply: FOI request", "I am out of the office until 11 March."),
                                ("de", "Automatische Antwort: IFG-Anfrage", "Ich bin bis 11.03. nicht im Büro."),
                                ("fr", "Réponse automatique : demande CADA", "Je suis absente jusqu'au 11 mars.")]:
        k = nextn()
        auth, req, frm, to = people(k)
        hdr = [h if not h.startswith("Return-Path") else "Return-Path: <>" for h in base_headers(k, frm, to, subject, "outlook")]
        hdr += ["Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All"]
        add(f"auto-null-sender-oof-{lang}.eml", message(hdr, text(body, "utf-8")), "auto_reply")
    # humans whose words look automatic
    k = nextn(); auth, req, frm, to = people(k)
    new = "Dear Jane,\n\nI am out of the office tomorrow, but I wanted to send you the figures today: 6,240 potholes in 2023.\n\nSarah"
    add("human-mentions-out-of-office.eml", message(base_headers(k, frm, to, "Re: FOI request - potholes", "outlook"), text(new, "utf-8")), "human", new)
    k = nextn(); auth, req, frm, to = people(k)
    new = "Thank you. The automatic reply you received was sent in error; your request is being handled."
    add("human-auto-submitted-no.eml", message(base_headers(k, frm, to, "Re: Automatic reply received", "gmail") + ["Auto-Submitted: no"],
                                               text(new, "utf-8")), "human", new)
    k = nextn(); auth, req, frm, to = people(k)
    new = "The undeliverable message you mention was caused by our old address. Please use foi@new.example.gov.uk from now on."
    add("human-about-undeliverable.eml", message(base_headers(k, frm, to, "Re: Undeliverable mail to our FOI address", "thunderbird"),
                                                 text(new, "utf-8")), "human", new)
    # nested >> quotes under an attribution
    k = nextn(); auth, req, frm, to = people(k)
    new = ANSWERS_EN[2]
    body = (f"{new}\n\nOn Tue, 5 Mar 2024 at 09:00, {req[0]} <{req[1]}> wrote:\n> Any news?\n>\n> On Mon, 4 Mar 2024 at 10:15, "
            f"FOI <foi@example.gov.uk> wrote:\n>> We received your request.\n>>\n{quoted(quoted(request_text(k, req[0], req[1])))}\n")
    add("gmail-nested-quotes.eml", message(base_headers(k, frm, to, "Re: FOI", "gmail"), text(body, "utf-8")), "human", new)
    # plain text of an HTML reply where the client kept bold markers: *From:* … *Sent:* …
    k = nextn(); auth, req, frm, to = people(k)
    new = ANSWERS_EN[0]
    body = f"{new}\n\n*From:* {req[0]} <{req[1]}>\n*Sent:* 04 March 2024 10:15\n*To:* FOI\n*Subject:* FOI request\n\n{request_text(k, req[0], req[1])}\n"
    add("outlook-bold-header-block.eml", message(base_headers(k, frm, to, "RE: FOI request", "outlook"), text(body, "utf-8")), "human", new)
    # German Outlook with -----Ursprüngliche Nachricht-----
    k = nextn(); auth, req, frm, to = people(k)
    new = ANSWERS["de"]
    body = f"{new}\n\n-----Ursprüngliche Nachricht-----\nVon: {req[0]} <{req[1]}>\nGesendet: Montag, 4. März 2024 10:15\nAn: IFG\nBetreff: Anfrage\n\n{request_text(k, req[0], req[1])}\n"
    add("outlook-urspruengliche-nachricht.eml", message(base_headers(k, frm, to, "AW: Anfrage", "outlook"), text(body, "iso-8859-1")), "human", new)
    # Outlook for Mac attribution with a quoted name
    k = nextn(); auth, req, frm, to = people(k)
    new = ANSWERS_EN[3]
    body = f"{new}\n\nOn 04/03/2024, 10:15, \"{req[0]}\" <{req[1]}> wrote:\n\n{quoted(request_text(k, req[0], req[1]))}\n"
    add("outlook-mac-attribution.eml", message(base_headers(k, frm, to, "Re: FOI", "apple"), text(body, "utf-8")), "human", new)
    # French Outlook HTML-only answer with a table, followed by its header block
    k = nextn(); auth, req, frm, to = people(k)
    hb = ("<html><body><p>Madame,</p><p>Voici les chiffres demandés :</p><table border=1><tr><th>Année</th><th>Montant</th></tr>"
          "<tr><td>2023</td><td>12 500 €</td></tr></table><p>Cordialement,<br>Claire Dubois</p>"
          '<div style="border:none;border-top:solid #E1E1E1 1.0pt"><p><b>De :</b> Jane Doe &lt;request-1201-5f3a9c2e@foi.example&gt;<br>'
          "<b>Envoyé :</b> lundi 4 mars 2024 10:15<br><b>À :</b> CADA<br><b>Objet :</b> Demande</p></div><p>Madame, Monsieur, ...</p></body></html>")
    add("outlook-html-only-fr-table.eml", message(base_headers(k, frm, to, "RE: Demande", "outlook"), html(hb, "utf-8")), "human",
        "Madame,\n\nVoici les chiffres demandés :\n\nAnnée | Montant\n2023 | 12 500 €\n\nCordialement,\nClaire Dubois")
    # a mailing-list style message (List-Id): human, but loop-risky
    k = nextn(); auth, req, frm, to = people(k)
    new = "Reminder: the council's FOI disclosure log has moved to a new address."
    add("human-list-message.eml", message(base_headers(k, frm, to, "[foi-officers] disclosure log moved", "thunderbird", reply=False)
                                          + ["List-Id: FOI officers <foi-officers.lists.example.org>", "Precedence: list"], text(new, "utf-8")), "human", new)
