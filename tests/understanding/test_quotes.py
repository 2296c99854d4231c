"""Quote folding: the authority's new words stay visible, earlier mail, signatures and disclaimers fold away."""
from __future__ import annotations

from processors.understanding import understand
from processors.understanding.quotes import fold_quotes
from tests.understanding.understanding_helpers import eml


def test_an_outlook_reply_in_windows_1252_with_an_original_message_block_shows_only_the_new_answer():
    u = understand(eml("outlook-original-message-windows-1252.eml"))
    assert u.new_text.startswith("Dear Ms Doe,") and u.new_text.endswith("Information Governance Officer")
    assert u.quoted_text.startswith("-----Original Message-----")
    assert "Yours faithfully" in u.quoted_text and "Yours faithfully" not in u.new_text


def test_outlook_header_blocks_fold_in_english_french_german_and_more():
    for lang, marker in [("en", "From:"), ("fr", "De :"), ("de", "Von:"), ("es", "De:"), ("nl", "Van:"), ("it", "Da:"), ("pt", "De:")]:
        u = understand(eml(f"outlook-header-block-{lang}.eml"))
        assert marker not in u.new_text, lang
        assert "________________________________" in u.quoted_text, lang


def test_on_wrote_attributions_fold_in_eight_languages():
    for lang in ("en", "fr", "de", "es", "nl", "it", "pt", "cy"):
        u = understand(eml(f"gmail-on-wrote-{lang}.eml"))
        assert "request-" not in u.new_text, lang
        assert u.quoted_text.splitlines()[0].endswith(":"), lang


def test_a_gmail_attribution_wrapped_over_two_lines_is_still_recognised():
    u = understand(eml("gmail-wrapped-attribution-en.eml"))
    assert u.new_text.endswith("Sarah Bennett") and u.quoted_text.startswith("On Mon, 4 Mar 2024")


def test_apple_thunderbird_yahoo_and_lotus_notes_styles_fold():
    for name in ("apple-mail-1.eml", "apple-mail-html-only.eml", "thunderbird-1.eml", "yahoo-1.eml", "yahoo-2.eml",
                 "yahoo-classic-original-message.eml", "lotus-notes-header-1.eml", "lotus-notes-8-1.eml",
                 "lotus-notes-wrote-dashes.eml"):
        u = understand(eml(name))
        assert "Please provide" not in u.new_text and "I would like to request" not in u.new_text, name
        assert u.quoted_text, name


def test_interleaved_answers_stay_in_the_new_text_with_their_questions():
    u = understand(eml("interleaved-1.eml"))
    for answer in ("6,240.", "£1,204,000.", "Roadfix Ltd"):
        assert answer in u.new_text
    assert "> 2. How much was spent on repairs?" in u.new_text
    assert "Yours faithfully" not in u.new_text and "Yours faithfully" in u.quoted_text


def test_a_bottom_posted_answer_is_found_under_the_quote():
    u = understand(eml("bottom-posted-1.eml"))
    assert u.new_text.startswith("Hello,") and "Yours faithfully" in u.quoted_text


def test_a_dash_dash_signature_a_legal_disclaimer_and_a_mobile_footer_fold_away():
    sig = understand(eml("signature-dashdash-1.eml"))
    assert "01632" not in sig.new_text and sig.quoted_text.startswith("--")
    disc = understand(eml("disclaimer-1.eml"))
    assert "confidential" not in disc.new_text and "intended solely" in disc.quoted_text
    assert "vertrauliche" in understand(eml("disclaimer-4.eml")).quoted_text
    mobile = understand(eml("mobile-1.eml"))
    assert mobile.new_text == "Received, thanks. We will reply within 20 working days."


def test_forwarded_blocks_keep_only_the_forwarding_note():
    assert understand(eml("gmail-forwarded.eml")).new_text.startswith("Jane, forwarding")
    assert understand(eml("apple-begin-forwarded.eml")).new_text == "Please see the department's answer below."
    assert understand(eml("thunderbird-forward-fr.eml")).new_text == "Voici la réponse du service juridique."


def test_when_unsure_the_text_stays_visible():
    # "wrote:" inside a sentence, with no quote below, is not an attribution
    body = "Dear Jane,\n\nThe contractor wrote:\nthe figures are commercially sensitive.\n\nWe disagree.\n\nTom"
    new, old = fold_quotes(body)
    assert new == body and old == ""
    # a message that is nothing but a quote keeps everything visible rather than showing nothing
    only_quote = "On Mon, 4 Mar 2024, Ann wrote:\n> How many?\n> Thanks"
    assert fold_quotes(only_quote) == (only_quote, "")
    # a legal-sounding sentence in the middle of an answer is not a disclaimer
    answer = ("Dear Jane,\n\nThe report is confidential and intended only for the board, so we withhold it under section 36.\n\n"
              "You may ask for a review.\n\nRegards,\nTom")
    assert fold_quotes(answer)[0] == answer


def test_a_from_line_in_the_answer_is_not_a_header_block():
    body = "Dear Jane,\n\nFrom: the highways budget, £2m was spent.\nTo: date, no more.\n\nRegards"
    assert fold_quotes(body) == (body, "")
