"""Public redaction: thread addresses, other addresses and phone numbers go; dates, references and money stay."""
from __future__ import annotations

import pytest

from processors.understanding import CensorRule, redact_text, redaction_matches

THREAD = {"request-12-abcd@foi.example": "[FOI #12 email]"}


def test_our_thread_address_gets_its_label_and_other_addresses_are_hidden():
    text = "Reply to REQUEST-12-abcd@foi.example, copy jo.bloggs@council.example.gov.uk and mailto:x@y.org."
    assert redact_text(text, thread_addresses=THREAD) == "Reply to [FOI #12 email], copy [email address] and [email address]."


@pytest.mark.parametrize("phone", ["020 7946 0018", "07700 900123", "+44 (0)20 7946 0018", "+1 415 555 0100",
                                   "+33 1 23 45 67 89", "0113 496 0000", "01632 960001", "(415) 555-0100", "+44 7700 900123",
                                   "0161-496-0000", "+442079460018"])
def test_uk_and_international_phone_numbers_are_hidden(phone):
    assert redact_text(f"Call me on {phone} today.") == "Call me on [phone number] today."


@pytest.mark.parametrize("text", ["on 2024-01-13", "by 13/01/2024", "dated 13.01.2024", "ref FOI-2024-0113",
                                  "cost £1,234,567.89", "in 2023", "between 2019 and 2023", "£ 1 000 000",
                                  "at 01/02/2024 10:15", "Ref: 2024/0113/FOI", "ISBN 978-3-16-148410-0",
                                  "4,312 potholes", "section 40(2)", "10 000 000 people", "0.5 million", "case 2023/12345"])
def test_dates_references_money_and_years_are_left_alone(text):
    assert redact_text(text) == text


def test_censor_rules_apply_last_as_text_or_regex():
    rules = [CensorRule("Jane Doe", replacement="[name]"), CensorRule(r"NI number \w+", is_regex=True)]
    assert redact_text("jane doe, NI number AB123456C", rules=rules) == "[name], [redacted]"
    assert redact_text("text", rules=[CensorRule("(", is_regex=True)]) == "text"  # a broken regex is skipped


def test_custom_phone_patterns_replace_the_defaults():
    assert redact_text("ext 4521 or 020 7946 0018", phone_patterns=[r"ext \d{4}\d*"]) == "ext 4521 or 020 7946 0018"


def test_redaction_matches_tells_when_a_binary_attachment_needs_a_human():
    assert redaction_matches(b"%PDF ... call 07700 900123 ...", [])
    assert redaction_matches("Jane Doe wrote", [CensorRule("jane doe")])
    assert redaction_matches("t\x00o\x00:\x00 \x00a\x00@\x00b\x00.\x00c\x00o\x00m\x00".encode("latin-1"), [])
    assert not redaction_matches(b"nothing here, FOI-2024-0113, 2023", [])


def test_a_phone_number_in_a_csv_field_is_hidden_but_not_a_thousands_group():
    assert redact_text("Kim Officer,01632 960 123,kim") == "Kim Officer,[phone number],kim"
    assert redact_text("4,312,0161 496 0000") == "4,312,0161 496 0000"  # after a digit's comma: a number goes on
