"""Automatic replies, bounces and spam for the corpus, from many servers and in many languages."""
from __future__ import annotations

from corpus_text import AUTO_REPLIES, REQUESTERS
from mimekit import Leaf, Multi, message, q_header, text


def build_auto(g: dict) -> None:
    add, base_headers, people = g["add"], g["base_headers"], g["people"]
    n = 500
    subj = "Freedom of Information request - Pothole repairs"
    # Exchange OOF with Auto-Submitted + X-Auto-Response-Suppress, in every language
    for lang, (s, body) in AUTO_REPLIES.items():
        n += 1
        auth, req, frm, to = people(n)
        hdr = base_headers(n, frm, to, q_header(s.format(subj=subj)), "outlook")
        hdr += ["Auto-Submitted: auto-generated", "X-Auto-Response-Suppress: All", "X-MS-Exchange-Inbox-Rules-Loop: " + auth[3]]
        add(f"auto-exchange-oof-{lang}.eml", message(hdr, text(body, "utf-8")), "auto_reply")
    # Exchange with only X-Auto-Response-Suppress + subject (older servers drop Auto-Submitted)
    for lang in ("en", "fr", "de", "es", "it", "pt"):
        n += 1
        auth, req, frm, to = people(n)
        s, body = AUTO_REPLIES[lang]
        hdr = base_headers(n, frm, to, q_header(s.format(subj=subj), "iso-8859-1"), "outlook") + ["X-Auto-Response-Suppress: All"]
        add(f"auto-suppress-subject-{lang}.eml", message(hdr, text(body, "iso-8859-1")), "auto_reply")
    # Subject only (no markers at all), several languages
    for lang, s in [("nl", "Afwezig: {subj}"), ("en", "Out of Office: {subj}"), ("es", "Fuera de la oficina: {subj}"),
                    ("it", "Fuori ufficio: {subj}"), ("cy", "Allan o'r swyddfa: {subj}"), ("de", "Abwesenheitsnotiz: {subj}")]:
        n += 1
        auth, req, frm, to = people(n)
        hdr = base_headers(n, frm, to, q_header(s.format(subj=subj)), "squirrel")
        add(f"auto-subject-only-{lang}.eml", message(hdr, text("Away until 11 March.", "utf-8")), "auto_reply")
    # Gmail vacation responder, RFC 3834 vacation program, Zimbra, iCloud
    for name, extra, subject, body in [
        ("auto-gmail-vacation.eml", ["Auto-Submitted: auto-replied"], "Re: " + subj, "I'm on leave until 11 March and will reply on my return."),
        ("auto-unix-vacation.eml", ["Auto-Submitted: auto-replied (vacation)", "Precedence: junk"], "away from my mail", "I will not be reading my mail for a while."),
        ("auto-zimbra.eml", ["Auto-Submitted: auto-replied (zimbra; vacation)"], "Re: " + subj, "Absent until Monday."),
        ("auto-icloud.eml", ["X-Autoreply: yes"], "Re: " + subj, "I'm travelling with limited access to email."),
        ("auto-x-autorespond.eml", ["X-Autorespond: Out of office"], "Re: " + subj, "I am away."),
        ("auto-ticket-ack.eml", ["Auto-Submitted: auto-generated", "X-Mailer: Zendesk"], "[FOI-2024-0113] Request received", "Your request has been received and logged as FOI-2024-0113. We will respond within 20 working days."),
        ("auto-precedence-auto-reply.eml", ["Precedence: auto_reply"], "Thank you for your email", "This mailbox is not monitored on weekends."),
        ("auto-lotus-notes.eml", [], "Sarah Bennett is out of the office.", "I will be out of the office starting 04/03/2024 and will not return until 11/03/2024.\n\nI will respond to your message when I return."),
        ("auto-lotus-notes-de.eml", [], "Jürgen Müller ist außer Haus.", "Ich werde ab 04.03.2024 nicht im Büro sein. Ich kehre zurück am 11.03.2024."),
        ("auto-lotus-notes-fr.eml", [], "Claire Dubois est absente du bureau.", "Je serai absente du bureau à partir du 04/03/2024."),
    ]:
        n += 1
        auth, req, frm, to = people(n)
        client = "gmail" if "gmail" in name else "lotus" if "lotus" in name else "roundcube"
        hdr = base_headers(n, frm, to, q_header(subject), client) + extra
        add(name, message(hdr, text(body, "utf-8")), "auto_reply")
    # A read receipt (disposition-notification)
    n += 1
    auth, req, frm, to = people(n)
    mdn = Multi("report", [text("Your message was displayed on 04/03/2024 10:20.", "us-ascii", "7bit"),
                           Leaf("message/disposition-notification", b"Reporting-UA: EX1.ad.local\nFinal-Recipient: rfc822;" + auth[3].encode() + b"\nDisposition: automatic-action/MDN-sent-automatically; displayed\n", "7bit")],
                "mdn-bnd", params="; report-type=disposition-notification")
    add("auto-read-receipt.eml", message(base_headers(n, frm, to, "Read: " + subj, "outlook"), mdn), "auto_reply")


def build_spam(g: dict) -> None:
    add, base_headers = g["add"], g["base_headers"]
    n = 800
    for name, extra, subject, body in [
        ("spam-spamassassin-status.eml", ["X-Spam-Flag: YES", "X-Spam-Status: Yes, score=12.4 required=5.0 tests=BAYES_99,HTML_MESSAGE,URIBL_BLACK autolearn=spam"],
         "Claim your prize now", "You have won $1,000,000. Click here."),
        ("spam-score-only.eml", ["X-Spam-Score: 8.7"], "Cheap meds", "Best prices online."),
        ("spam-flag-only.eml", ["X-Spam-Flag: YES"], "Investment opportunity", "Guaranteed returns."),
        ("spam-rspamd.eml", ["X-Rspamd-Score: 15.20", "X-Spamd-Result: default: True [15.20 / 15.00]"], "Your account is suspended", "Verify your password here."),
        ("spam-auto-looking.eml", ["X-Spam-Status: Yes, score=9.1 required=5.0 tests=FREEMAIL_FROM", "Auto-Submitted: auto-generated"], "Automatic reply: you won", "Click the link."),
        ("spam-folded-status.eml", ["X-Spam-Status: Yes, score=6.0 required=5.0 tests=DKIM_ADSP_NXDOMAIN,\n\tRDNS_NONE autolearn=no version=3.4.6"], "Hello dear", "I am a prince."),
    ]:
        n += 1
        frm = f"Winner Notification <promo{n}@lucky-prizes.example>"
        to = f"Jane Doe <{REQUESTERS[0][1]}>"
        add(name, message(base_headers(n, frm, to, subject, "roundcube", reply=False) + extra, text(body, "utf-8")), "spam")
    # not spam: low scores are human
    n += 1
    auth, req, frm, to = g["people"](n)
    add("human-low-spam-score.eml", message(base_headers(n, frm, to, "Re: FOI request", "outlook") +
                                            ["X-Spam-Status: No, score=1.2 required=5.0 tests=HTML_MESSAGE", "X-Spam-Score: 1.2"],
                                            text("Thank you, received.", "utf-8")), "human", "Thank you, received.")


from cases_bounces import build_bounces  # noqa: E402,F401
