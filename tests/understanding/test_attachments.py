"""Attachments: decoded names, sniffed types, text out of office documents, containers opened."""
from __future__ import annotations

import binary_fixtures as fx

from processors.understanding import understand
from processors.understanding.attachments import safe_filename
from tests.understanding.understanding_helpers import eml


def test_a_scanner_pdf_sent_as_octet_stream_is_sniffed_as_pdf_and_its_text_extracted():
    [att] = understand(eml("scanner-pdf-octet-stream.eml")).attachments
    assert att.content_type == "application/pdf" and att.text == "Decision letter"
    assert len(att.sha256) == 64 and att.data.startswith(b"%PDF")


def test_docx_xlsx_odt_csv_rtf_and_html_attachments_have_text():
    texts = {}
    for name in ("attachment-docx.eml", "attachment-xlsx.eml", "attachment-odt.eml", "attachment-csv-rtf.eml",
                 "attachment-html-file.eml"):
        for att in understand(eml(name)).attachments:
            texts[att.filename] = (att.content_type, att.text)
    assert texts["Response FOI-2024-0113.docx"][1] == "Response letter\nWe enclose the contracts."
    assert texts["figures.xlsx"][0].endswith("spreadsheetml.sheet") and "2023 | 6240" in texts["figures.xlsx"][1]
    assert "Wij maken de documenten openbaar." in texts["besluit.odt"][1]
    assert texts["data.csv"][1].startswith("year,potholes")
    assert texts["letter.rtf"][0] == "application/rtf" and "Cost £5" in texts["letter.rtf"][1]
    assert "Agency spend £3.2m" in texts["report.html"][1]


def test_rfc2231_and_rfc2047_file_names_are_decoded_and_paths_removed():
    assert understand(eml("filename-rfc2231.eml")).attachments[0].filename == "Réponse à la demande.pdf"
    assert understand(eml("filename-rfc2047.eml")).attachments[0].filename == "Antwort Straßenschäden.pdf"
    assert understand(eml("filename-path-traversal.eml")).attachments[0].filename == "passwd"
    assert safe_filename("", 3, "application/pdf") == "attachment-3.pdf"
    assert safe_filename("a\x00b/..\\c:d", 1, "text/plain") == "c_d"


def test_a_winmail_dat_is_opened_and_its_files_listed_as_attachments():
    atts = understand(eml("attachment-winmail-dat.eml")).attachments
    names = [a.filename for a in atts]
    assert names == ["winmail.dat", "Response.pdf", "notes.txt"]
    assert atts[1].note == "inside winmail.dat" and atts[1].text == "Inside TNEF"
    assert atts[2].text == "tnef notes"


def test_a_zip_is_opened_and_its_members_read():
    atts = understand(eml("attachment-zip.eml")).attachments
    by_name = {a.filename: a for a in atts}
    assert by_name["letter.pdf"].text == "Zip letter" and by_name["letter.pdf"].note == "inside documents.zip"
    assert by_name["figures.csv"].text.startswith("a,b")
    assert "data/figures.csv" in by_name["documents.zip"].text


def test_an_unreadable_outlook_msg_is_kept_with_a_note():
    [att] = understand(eml("attachment-msg-corrupt.eml")).attachments
    assert att.content_type == "application/vnd.ms-outlook"
    assert att.note.startswith("Outlook .msg could not be read") and att.text is None


def test_uuencoded_files_inline_and_as_transfer_encoding_become_attachments():
    u = understand(eml("uuencoded-inline.eml"))
    assert u.new_text == "The data file is below."
    assert [(a.filename, a.data) for a in u.attachments] == [("data.txt", b"potholes 2023: 6240\n")]
    [att] = understand(eml("uuencoded-cte.eml")).attachments
    assert att.data == b"potholes 2023: 6240\n"


def test_a_broken_pdf_gives_a_note_not_a_crash():
    raw = (b"From: a@b.example\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
           b"Content-Type: text/plain\n\nsee\n--b\nContent-Type: application/pdf; name=x.pdf\n\n%PDF-1.4 garbage\n--b--\n")
    [att] = understand(raw).attachments
    assert att.text is None and att.note and att.note.startswith("text extraction")


def test_an_inline_image_in_an_outlook_related_part_is_an_attachment_not_body():
    u = understand(eml("outlook-related-inline-image.eml"))
    assert [a.content_type for a in u.attachments] == ["image/png"]
    assert u.new_text.startswith("Dear Sir or Madam")


def test_fixture_documents_are_real_documents():
    assert fx.pdf(["x"]).startswith(b"%PDF") and fx.docx(["x"]).startswith(b"PK")
