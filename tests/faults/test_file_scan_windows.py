"""A large file is checked for personal data a window at a time, and nothing is missed at the seams.

Reading a 24 MB scan as UTF-8 and UTF-16 whole, once per rule, held about 200 MB
(processors/public_view.py). Now the bytes are read SCAN_BYTES at a time, each window
repeating the end of the one before: a name or address that straddles two windows, in either
encoding, still holds the file back, and the bytes held stay about one window's worth.
"""
from __future__ import annotations

import random
import tracemalloc

import pytest

from processors.public_view import SCAN_BYTES, rules_hit_file
from processors.understanding import CensorRule

ADDRESS = "ann.requester@example.org"


def binary(size: int) -> bytearray:
    return bytearray(random.Random(7).randbytes(size))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
@pytest.mark.parametrize("where", [SCAN_BYTES - 8, 3 * SCAN_BYTES - 2, 5 * SCAN_BYTES])  # UTF-16 text is aligned
def test_an_address_across_a_window_seam_holds_the_file_back(encoding, where):
    data = binary(6 * SCAN_BYTES)
    data[where:where] = ADDRESS.encode(encoding)
    data[0:1] = b"\x00"  # the bytes hold NULs, as UTF-16 text in Office files and PDFs does
    assert rules_hit_file([CensorRule(ADDRESS)], bytes(data), "")
    assert rules_hit_file([CensorRule(r"ann\.requester@\S+", is_regex=True)], bytes(data), "")


def test_a_file_without_the_address_is_released_and_its_text_is_checked_too():
    data = bytes(binary(6 * SCAN_BYTES)).replace(b"ann", b"bob")
    assert not rules_hit_file([CensorRule(ADDRESS)], data, "nothing personal")
    assert rules_hit_file([CensorRule(ADDRESS)], data, f"Dear {ADDRESS.upper()}")


def test_checking_a_large_file_holds_about_one_window_of_it():
    data = bytes(binary(64 * SCAN_BYTES))
    tracemalloc.start()
    try:
        assert not rules_hit_file([CensorRule(ADDRESS), CensorRule("07700 900123")], data, "")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A window read as text (up to 4 bytes a character: 4 windows' worth, and the decoder's
    # working copy while it finds out), with the overlap in front: not the file (64 windows).
    assert peak < 16 * SCAN_BYTES, f"{peak / SCAN_BYTES:.1f} windows held for a file of 64"
