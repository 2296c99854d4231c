"""Classification: human, automatic reply, bounce of our own mail, spam; and which mail must never be answered."""
from __future__ import annotations

from processors.understanding import understand
from tests.understanding.understanding_helpers import eml, mail


def test_an_exchange_out_of_office_in_six_languages_is_an_auto_reply_and_loop_risky():
    for lang in ("en", "fr", "de", "es", "it", "nl", "pt", "cy"):
        u = understand(eml(f"auto-exchange-oof-{lang}.eml"))
        assert u.kind == "auto_reply" and u.kind_reason.startswith("Auto-Submitted"), lang
        assert u.loop_risk


def test_subject_patterns_alone_catch_auto_replies_in_many_languages():
    for subject in ("Out of Office: FOI", "Automatic reply: FOI", "Réponse automatique : FOI", "Abwesenheitsnotiz: FOI",
                    "Automatische Antwort: FOI", "Respuesta automática: FOI", "Risposta automatica: FOI",
                    "Resposta automática: FOI", "Afwezig: FOI", "Sarah Bennett is out of the office."):
        assert understand(mail("Away.", subject=subject)).kind == "auto_reply", subject


def test_a_human_reply_about_absence_records_is_not_an_auto_reply():
    u = understand(mail("Here are the sickness absence figures.", subject="Re: Staff absence records 2023"))
    assert u.kind == "human" and not u.loop_risk
    assert understand(mail("Please send absence data.", subject="Absence figures 2023")).kind == "human"
    assert understand(mail("Away.", subject="Absence: back on Monday")).kind == "auto_reply"


def test_rfc3834_and_vendor_headers_mark_auto_replies():
    for header in ("Auto-Submitted: auto-replied", "X-Autoreply: yes", "X-Autorespond: on", "Precedence: auto_reply"):
        assert understand(mail("I am away.", headers=header, subject="Re: FOI")).kind == "auto_reply", header
    assert understand(mail("Hello", headers="Auto-Submitted: no")).kind == "human"


def test_a_postfix_dsn_to_our_verp_address_is_a_permanent_bounce_with_status_and_recipient():
    u = understand(eml("bounce-postfix-user-unknown.eml"), envelope_from="")
    assert u.kind == "bounce" and u.kind_reason.startswith("RFC 3464")
    assert u.bounce.status == "5.1.1" and u.bounce.permanent
    assert u.bounce.failed_recipients == ["j.smith@hants-cc.example.gov.uk"]
    assert u.bounce.verp_recipient.startswith("bounce-") and u.bounce.verp_recipient.endswith("@foi.example")
    assert u.loop_risk


def test_a_delayed_dsn_is_a_bounce_but_not_permanent():
    u = understand(eml("bounce-postfix-delayed.eml"))
    assert u.kind == "bounce" and not u.bounce.permanent and u.bounce.status == "4.4.1"


def test_exchange_gmail_sendmail_and_global_dsns_report_their_failed_recipient():
    for name, rcpt in [("bounce-exchange-2016.eml", "d.okafor@northshire.police.example.uk"),
                       ("bounce-gmail.eml", "no.such.user.foi@gmail.com"),
                       ("bounce-sendmail.eml", "records@midtown.example.ac.uk"),
                       ("bounce-courier-utf8-global.eml", "acesso@cm-lisboa.example.pt")]:
        u = understand(eml(name))
        assert u.kind == "bounce" and u.bounce.failed_recipients == [rcpt], name


def test_non_standard_qmail_exim_old_exchange_and_lotus_bounces_are_recognised():
    for name, rcpt in [("bounce-qmail.eml", "ghost@comune.bologna.example.it"),
                       ("bounce-exim-classic.eml", "transparencia@sevilla.example.es"),
                       ("bounce-old-exchange.eml", "foi.old@council.example.gov.uk"),
                       ("bounce-lotus-domino.eml", "jsmith@council.example.gov.uk")]:
        u = understand(eml(name), envelope_from="")
        assert u.kind == "bounce", name
        assert rcpt in u.bounce.failed_recipients, name


def test_a_bounce_that_also_says_auto_submitted_is_still_a_bounce():
    u = understand(eml("bounce-exim-classic.eml"), envelope_from="")
    assert "Auto-Submitted" in eml("bounce-exim-classic.eml").decode() and u.kind == "bounce"


def test_spam_scores_are_compared_with_our_threshold():
    assert understand(eml("spam-spamassassin-status.eml")).kind == "spam"
    assert understand(eml("spam-score-only.eml")).kind == "spam"
    assert understand(eml("spam-score-only.eml"), spam_threshold=10.0).kind == "human"
    assert understand(eml("human-low-spam-score.eml")).kind == "human"
    spam = understand(eml("spam-flag-only.eml"))
    assert spam.kind == "spam" and spam.loop_risk


def test_mailing_list_bulk_and_null_sender_mail_is_loop_risky_even_when_human():
    assert understand(mail("hi", headers="List-Id: <foi.lists.example>")).loop_risk
    assert understand(mail("hi", headers="Precedence: bulk")).loop_risk
    assert understand(mail("hi"), envelope_from="").loop_risk
    assert not understand(mail("hi"), envelope_from="foi@hants-cc.example.gov.uk").loop_risk


def test_a_read_receipt_is_automatic():
    assert understand(eml("auto-read-receipt.eml")).kind == "auto_reply"
