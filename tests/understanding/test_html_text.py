"""HTML-only mail becomes readable text: paragraphs, bullets, links, tables, and nothing active."""
from __future__ import annotations

from processors.understanding import understand
from processors.understanding.html_text import html_to_text
from tests.understanding.understanding_helpers import eml, mail


def test_a_gmail_html_only_reply_keeps_its_list_link_and_table_readable():
    u = understand(eml("gmail-html-only-list-table-link.eml"))
    assert "- 2021: 4,312\n- 2022: 5,108" in u.new_text
    assert "our disclosure log <https://www.hants-cc.example.gov.uk/foi/disclosure-log>" in u.new_text
    assert "Year | Cost\n2023 | £1,204,000" in u.new_text
    assert u.quoted_text.startswith("> On Mon, 4 Mar 2024") or u.quoted_text.startswith("On Mon")


def test_scripts_styles_and_hidden_preheaders_are_dropped():
    html = ("<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
            "<div style='display:none'>preheader</div><p>Visible &amp; kept</p></body></html>")
    assert html_to_text(html) == "Visible & kept"


def test_broken_html_still_gives_text():
    assert html_to_text("<p>unclosed <b>bold <table><tr><td>a<td>b") == "unclosed bold\n\na | b"


def test_an_html_only_message_is_converted_for_body_and_folding():
    u = understand(mail("<p>Yes.</p><blockquote>Is it?</blockquote>", content_type="text/html; charset=utf-8"))
    assert u.body_text == "Yes.\n\n> Is it?" and u.new_text == "Yes." and u.quoted_text == "> Is it?"
