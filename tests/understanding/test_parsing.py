"""Parsing real-world mail however broken: charsets, encodings, boundaries, headers, and never raising."""
from __future__ import annotations

import base64
from datetime import timezone

from processors.understanding import Understood, understand
from tests.understanding.understanding_helpers import eml, mail


def test_an_outlook_reply_in_windows_1252_reads_its_headers_and_threading():
    u = understand(eml("outlook-original-message-windows-1252.eml"))
    assert u.from_address == "freedomofinformation@northshire.police.example.uk"
    assert u.from_name == "David Okafor"
    assert u.in_reply_to and u.in_reply_to[0].startswith("request-") and "<" not in u.in_reply_to[0]
    assert u.references == u.in_reply_to
    assert u.date is not None and u.date.tzinfo == timezone.utc
    assert u.message_id and "@" in u.message_id and not u.message_id.startswith("<")
    assert u.to == ["request-1315-a81b77d0@foi.example"]


def test_koi8r_shift_jis_iso2022jp_gb2312_big5_hz_and_utf7_bodies_decode_to_the_right_text():
    expectations = {
        "charset-koi8-r.eml": "Уважаемая госпожа",
        "charset-windows-1251.eml": "С уважением",
        "charset-shift_jis.eml": "情報公開請求",
        "charset-iso-2022-jp.eml": "情報公開請求",
        "charset-gb2312.eml": "信息公开申请",
        "charset-hz-gb-2312.eml": "信息公开申请",
        "charset-big5.eml": "資訊公開申請",
        "charset-utf-7.eml": "Nous accusons réception",
        "charset-utf-16.eml": "Estimada Sra. Doe",
    }
    for name, fragment in expectations.items():
        assert fragment in understand(eml(name)).new_text, name


def test_a_utf8_body_labelled_latin1_and_a_cp1252_body_labelled_utf8_both_read_correctly():
    assert "Grüßen\nJürgen Müller" in understand(eml("mislabelled-utf8-as-latin1.eml")).new_text
    u = understand(eml("mislabelled-cp1252-as-utf8.eml"))
    assert "“Café Rouge”" in u.new_text and "£12,500" in u.new_text
    assert any("not valid UTF-8" in n for n in u.notes)


def test_an_unknown_charset_is_guessed_and_the_guess_is_noted():
    u = understand(eml("unknown-charset.eml"))
    assert "La réponse à votre demande" in u.new_text
    assert any("unknown, decoded as windows-1252" in n for n in u.notes)


def test_8bit_headers_and_rfc2047_subjects_in_odd_charsets_are_decoded():
    assert understand(eml("8bit-headers-utf-8.eml")).subject == "Re: Anfrage Straßenschäden"
    assert understand(eml("8bit-headers-latin-1.eml")).subject == "Re: Anfrage Straßenschäden"
    assert understand(eml("ks-c-5601-subject-utf8-body.eml")).subject == "답장: 정보공개"
    assert understand(eml("charset-utf-7.eml")).subject == "Réponse"
    assert understand(eml("charset-koi8-r.eml")).subject.startswith("Re: Уважаемая")


def test_damaged_base64_and_quoted_printable_are_repaired_with_a_note():
    u = understand(eml("bad-base64-garbage.eml"))
    assert "4,312 potholes reported" in u.new_text
    assert any("base64" in n for n in u.notes)
    assert "Priya" in understand(eml("bad-base64-unpadded.eml")).new_text
    assert "£1,204,000 = 12% of the budget" in understand(eml("bad-quoted-printable.eml")).new_text


def test_a_multipart_without_its_closing_boundary_still_gives_body_and_attachment():
    u = understand(eml("missing-final-boundary.eml"))
    assert u.new_text.startswith("Figures attached")
    assert [a.filename for a in u.attachments] == ["figures.csv"]
    assert any("closing boundary" in n for n in u.notes)


def test_a_boundary_that_matches_nothing_is_recovered_from_the_body():
    u = understand(eml("boundary-mismatch.eml"))
    assert u.new_text == "Our answer: yes, the report exists."
    assert any("boundary" in n for n in u.notes)


def test_mixed_crlf_and_lf_line_endings_do_not_leak_carriage_returns():
    u = understand(eml("mixed-line-endings.eml"))
    assert "\r" not in u.body_text and u.new_text.startswith("Hi Jane,")


def test_headers_folded_over_lines_are_unfolded():
    assert understand(eml("folded-headers.eml")).subject == "Re: Freedom of Information request"


def test_an_rfc822_attachment_is_kept_as_a_message_not_mixed_into_the_body():
    u = understand(eml("nested-message-rfc822.eml"))
    assert u.new_text == "The email you asked about is attached."
    [att] = u.attachments
    assert att.content_type == "message/rfc822" and "We fixed 6,240 potholes." in att.text


def test_garbage_bytes_give_parse_failed_with_a_reason_not_an_exception():
    for raw in (b"", b"   \n", bytes(range(256)) * 4, b"\x00\xff" * 1000):
        u = understand(raw)
        assert isinstance(u, Understood)
        assert u.parse_failed and u.notes and u.kind == "human"


def test_a_bare_body_with_no_headers_is_still_read():
    u = understand(b"\nJust a line of text with no headers at all.\n")
    assert not u.parse_failed and "Just a line" in u.body_text


def test_non_bytes_input_does_not_raise():
    assert isinstance(understand("From: a@b.example\n\nhello"), Understood)  # type: ignore[arg-type]
    assert isinstance(understand(None), Understood)  # type: ignore[arg-type]


def test_an_html_stub_plain_part_makes_us_use_the_html_part():
    body = ("--b\nContent-Type: text/plain\n\nThis is an HTML message. Please use an HTML capable mail program.\n"
            "--b\nContent-Type: text/html\n\n<p>The real answer is <b>42</b>.</p>\n--b--\n")
    u = understand(mail(body, content_type='multipart/alternative; boundary="b"'))
    assert u.body_text == "The real answer is 42."


def test_a_base64_encoded_subject_and_from_name_are_decoded():
    name = base64.b64encode("Siân Jones".encode()).decode()
    u = understand(mail("Diolch.", frm=f"=?utf-8?B?{name}?= <foi@ceredigion.example.gov.uk>",
                        subject="=?utf-8?Q?Re:_Cais_am_wybodaeth_=E2=80=93_ffyrdd?="))
    assert u.from_name == "Siân Jones" and u.subject == "Re: Cais am wybodaeth – ffyrdd"
