"""Bounces for the corpus: RFC 3464 reports (Postfix, Exim, Exchange, Gmail, Sendmail) and old non-standard ones."""
from __future__ import annotations

from mimekit import Leaf, Multi, html, message, text

ORIG = (b"Return-Path: <bounce-{oid}-k3j9x2@foi.example>\nFrom: Jane Doe <request-1201-5f3a9c2e@foi.example>\n"
        b"To: {rcpt}\nSubject: Freedom of Information request - Pothole repairs\nMessage-ID: <request-1201-out@foi.example>\n"
        b"Date: Mon, 4 Mar 2024 10:15:00 +0000\n\nDear Council,\n\nPlease provide...\n")


def _dsn_fields(mta: str, rcpt: str, status: str, action: str = "failed", diag: str = "", extra: str = "") -> bytes:
    return (f"Reporting-MTA: dns; {mta}\nX-Postfix-Queue-ID: 4TqL1X2Y3Z\nArrival-Date: Mon,  4 Mar 2024 10:15:01 +0000\n\n"
            f"Final-Recipient: rfc822; {rcpt}\nOriginal-Recipient: rfc822;{rcpt}\nAction: {action}\nStatus: {status}\n"
            f"Remote-MTA: dns; mx.{rcpt.split('@')[1]}\nDiagnostic-Code: smtp; {diag or '550 5.1.1 <' + rcpt + '>: Recipient address rejected: User unknown'}\n{extra}").encode()


def _headers(n: int, frm: str, subject: str, oid: int, extra: list[str] | None = None, to_header: str | None = None) -> list[str]:
    verp = f"bounce-{oid}-k3j9x2@foi.example"
    return ["Return-Path: <>", f"Delivered-To: {verp}", f"X-Original-To: {verp}",
            f"Received: by mx.foi.example (Postfix) id 4T{n:05d}; Mon, 4 Mar 2024 10:16:0{n % 10} +0000 (GMT)",
            f"Date: Mon, 4 Mar 2024 10:16:0{n % 10} +0000 (GMT)", f"From: {frm}", f"Subject: {subject}",
            f"To: {to_header or verp}", f"Message-Id: <20240304101600.{n:05d}@mail.example.net>"] + (extra or [])


def _report(human: str, fields: bytes, rcpt: str, oid: int, bnd: str, human_html: str | None = None, ds_type: str = "message/delivery-status") -> Multi:
    first = text(human, "us-ascii", "7bit") if not human_html else Multi("alternative", [text(human, "us-ascii", "7bit"), html(human_html, "us-ascii", "7bit")], bnd + "-alt")
    return Multi("report", [first, Leaf(ds_type, fields, None, ["Content-Description: Delivery report"]),
                            Leaf("message/rfc822", ORIG.replace(b"{oid}", str(oid).encode()).replace(b"{rcpt}", rcpt.encode()), None,
                                 ["Content-Description: Undelivered Message"])],
                 bnd, params="; report-type=delivery-status", preamble="This is a MIME-encapsulated message.")


POSTFIX_TEXT = """This is the mail system at host mx1.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<{rcpt}>: host mx.{dom}[203.0.113.5] said: 550 5.1.1
    <{rcpt}>: Recipient address rejected: User unknown in local recipient table
    (in reply to RCPT TO command)
"""


def build_bounces(g: dict) -> None:  # noqa: C901
    add = g["add"]
    n = 900

    def rfc(name, frm, subject, rcpt, status, human, mta, action="failed", extra=None, html_part=None, diag="", ds_type="message/delivery-status"):
        nonlocal n
        n += 1
        oid = 3000 + n
        body = _report(human.format(rcpt=rcpt, dom=rcpt.split("@")[1]), _dsn_fields(mta, rcpt, status, action, diag), rcpt, oid, f"{n}.1709547361/{mta}", html_part, ds_type)
        add(name, message(_headers(n, frm, subject, oid, extra), body), "bounce")

    rfc("bounce-postfix-user-unknown.eml", "MAILER-DAEMON@mx1.example.net (Mail Delivery System)", "Undelivered Mail Returned to Sender",
        "j.smith@hants-cc.example.gov.uk", "5.1.1", POSTFIX_TEXT, "mx1.example.net", extra=["Auto-Submitted: auto-replied"])
    rfc("bounce-postfix-mailbox-full.eml", "MAILER-DAEMON@mx1.example.net (Mail Delivery System)", "Undelivered Mail Returned to Sender",
        "foi@northshire.police.example.uk", "5.2.2", POSTFIX_TEXT, "mx1.example.net", diag="552 5.2.2 Mailbox full")
    rfc("bounce-postfix-delayed.eml", "MAILER-DAEMON@mx1.example.net (Mail Delivery System)", "Delayed Mail (still being retried)",
        "foi@slow.example.org", "4.4.1", "This is the mail system at host mx1.example.net.\n\n####################################################################\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n####################################################################\n",
        "mx1.example.net", action="delayed", diag="421 4.4.1 connection timed out")
    rfc("bounce-exim-dsn.eml", "Mail Delivery System <Mailer-Daemon@mail.example.org>", "Mail delivery failed: returning message to sender",
        "nobody@lakeside.nhs.example.net", "5.0.0", "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  {rcpt}\n    host mx [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<{rcpt}>:\n    550 No such user\n",
        "mail.example.org", extra=["Auto-Submitted: auto-replied", "X-Failed-Recipients: nobody@lakeside.nhs.example.net"])
    rfc("bounce-exchange-2016.eml", "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@council.example.gov.uk>",
        "Undeliverable: Freedom of Information request - Pothole repairs", "d.okafor@northshire.police.example.uk", "5.1.1",
        "Delivery has failed to these recipients or groups:\n\nd.okafor@northshire.police.example.uk\nThe email address you entered couldn't be found.\n",
        "EX1.ad.local", html_part="<html><body><b>Delivery has failed to these recipients or groups:</b><br>d.okafor@northshire.police.example.uk</body></html>",
        extra=["Content-Language: en-GB", "X-MS-Exchange-Message-Is-Ndr:", "Auto-Submitted: auto-replied"])
    rfc("bounce-office365.eml", "postmaster@outlook.com", "Undeliverable: FOI request", "old.mailbox@dft.example.gov.uk", "5.1.10",
        "Your message to old.mailbox@dft.example.gov.uk couldn't be delivered.\nold.mailbox wasn't found at dft.example.gov.uk.\n\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n",
        "AM0PR01MB1234.eurprd01.prod.exchangelabs.com", diag="550 5.1.10 RESOLVER.ADR.RecipientNotFound")
    rfc("bounce-exchange-german.eml", "Microsoft Outlook <postmaster@stadt-koeln.example.de>", "Unzustellbar: Anfrage nach dem IFG", "alt@stadt-koeln.example.de", "5.1.1",
        "Die Nachricht konnte an folgende Empfänger oder Gruppen nicht übermittelt werden:\n\nalt@stadt-koeln.example.de\nDie eingegebene E-Mail-Adresse wurde nicht gefunden.\n", "EX2.stadt.local")
    rfc("bounce-gmail.eml", "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "Delivery Status Notification (Failure)", "no.such.user.foi@gmail.com", "5.1.1",
        "** Address not found **\n\nYour message wasn't delivered to no.such.user.foi@gmail.com because the address couldn't be found, or is unable to receive mail.\n\nLearn more here: https://support.google.com/mail/?p=NoSuchUser\n",
        "googlemail.com", diag="550-5.1.1 The email account that you tried to reach does not exist.")
    rfc("bounce-sendmail.eml", "Mail Delivery Subsystem <MAILER-DAEMON@relay.example.edu>", "Returned mail: see transcript for details", "records@midtown.example.ac.uk", "5.1.1",
        "The original message was received at Mon, 4 Mar 2024 10:15:00 GMT\nfrom localhost [127.0.0.1]\n\n   ----- The following addresses had permanent fatal errors -----\n<{rcpt}>\n    (reason: 550 5.1.1 User unknown)\n", "relay.example.edu")
    rfc("bounce-courier-utf8-global.eml", "Courier mail server at mail.example.pt <@>", "NOTIFICAÇÃO DE FALHA", "acesso@cm-lisboa.example.pt", "5.7.1",
        "Não foi possível entregar a sua mensagem.\n", "mail.example.pt", diag="550 5.7.1 rejected", ds_type="message/global-delivery-status")
    rfc("bounce-mimecast.eml", "Mimecast Postmaster <postmaster@eu.mimecast.example>", "Mimecast Delivery Failure: FOI request", "blocked@ceredigion.example.gov.uk", "5.7.1",
        "Your message couldn't be delivered to the recipients shown below.\n", "eu-smtp-1.mimecast.example", diag="550 5.7.1 Administrative prohibition")
    rfc("bounce-two-recipients.eml", "MAILER-DAEMON@mx1.example.net (Mail Delivery System)", "Undelivered Mail Returned to Sender",
        "a.one@utrecht.example.nl", "5.1.1", POSTFIX_TEXT, "mx1.example.net")

    # --- non-standard ---------------------------------------------------------------------------------
    def plain(name, frm, subject, body, extra=None, cs="us-ascii"):
        nonlocal n
        n += 1
        oid = 3000 + n
        add(name, message(_headers(n, frm, subject, oid, extra), text(body, cs, "7bit" if cs == "us-ascii" else "8bit")), "bounce")

    plain("bounce-qmail.eml", "MAILER-DAEMON@mail.example.com", "failure notice",
          "Hi. This is the qmail-send program at mail.example.com.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n"
          "This is a permanent error; I've given up. Sorry it didn't work out.\n\n<ghost@comune.bologna.example.it>:\n"
          "Sorry, no mailbox here by that name. (#5.1.1)\n\n--- Below this line is a copy of the message.\n\nReturn-Path: <bounce-1-x@foi.example>\n")
    plain("bounce-exim-classic.eml", "Mail Delivery System <Mailer-Daemon@mail.example.org>", "Mail delivery failed: returning message to sender",
          "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\n"
          "recipients. This is a permanent error. The following address(es) failed:\n\n  transparencia@sevilla.example.es\n    SMTP error from remote mail server after RCPT TO:<transparencia@sevilla.example.es>:\n"
          "    host mx.sevilla.example.es [192.0.2.7]: 550 5.1.1 User unknown\n\n------ This is a copy of the message, including all the headers. ------\n",
          extra=["X-Failed-Recipients: transparencia@sevilla.example.es", "Auto-Submitted: auto-replied"])
    plain("bounce-old-exchange.eml", "System Administrator <postmaster@council.example.gov.uk>", "Undeliverable: Freedom of Information request",
          "Your message\n\n  To:      FOI\n  Subject: Freedom of Information request\n  Sent:    Mon, 4 Mar 2024 10:15:00 +0000\n\n"
          "did not reach the following recipient(s):\n\nfoi.old@council.example.gov.uk on Mon, 4 Mar 2024 10:16:00 +0000\n"
          "    The e-mail account does not exist at the organization this message was sent to.\n    <EX1.council.local #5.1.1>\n    MSEXCH:IMS:Council:SITE:EX1 0 (000C05A6) Unknown Recipient\n")
    plain("bounce-lotus-domino.eml", "Postmaster@council.example.gov.uk", "DELIVERY FAILURE: User jsmith (jsmith@council.example.gov.uk) not listed in Domino Directory",
          "Your message\n\n  Subject: Freedom of Information request\n\nwas not delivered to:\n\n  jsmith@council.example.gov.uk\n\nbecause:\n\n"
          "  User jsmith (jsmith@council.example.gov.uk) not listed in Domino Directory\n")
    plain("bounce-yahoo-legacy.eml", "MAILER-DAEMON@yahoo.com", "Failure Notice",
          "Sorry, we were unable to deliver your message to the following address.\n\n<olduser@yahoo.example>:\n"
          "554: delivery error: dd This user doesn't have a yahoo.com account (olduser@yahoo.example) [-5] - mta1.mail.example\n\n"
          "--- Below this line is a copy of the message.\n")
    plain("bounce-smtp32.eml", "Postmaster <postmaster@oldserver.example.com>", "Undeliverable Mail",
          "Delivery failed 3 attempts: FOI Request\n\nInvalid final delivery userid: gone@oldserver.example.com\nOriginal message follows.\n")
    plain("bounce-groupwise-like.eml", "Mail Delivery System <MAILER-DAEMON@gw.example.org>", "Message status - undeliverable",
          "The message that you sent was undeliverable to the following:\n\tlost@gw.example.org (user not found)\n\nPossibly truncated original message follows:\n")
    plain("bounce-daemon-unknown-format.eml", "MAILER-DAEMON@tiny.example.net", "Returned mail: User unknown",
          "Your mail to nobody@tiny.example.net could not be delivered.\nReason: 550 5.1.1 user unknown\n")
    plain("bounce-postfix-to-verp-header.eml", "MAILER-DAEMON@mx2.example.net (Mail Delivery System)", "Undelivered Mail Returned to Sender",
          POSTFIX_TEXT.format(rcpt="x@example.net", dom="example.net").replace("The mail system\n", "The mail system\n\n<x@example.net>: user unknown\n"))
