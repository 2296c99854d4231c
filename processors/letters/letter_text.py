"""Reading a letter written by email: the postcode (in the subject, the first line or the last) and
the constituent's postal address (the letter's last paragraph, ending with the postcode).

A representative answers only their own constituents, so a letter must say who and where its
writer is. By email that is the way a paper letter ends:

    Yours sincerely,

    Jo Bloggs
    12 Example Street
    Holyhead
    LL65 3LA

>>> postcode_in("Re: letter from LL65 3LA about buses"), postcode_in("sw1a0aa"), postcode_in("no postcode")
('LL65 3LA', 'SW1A 0AA', None)
>>> address_block("Dear MP,\\n\\nBuses.\\n\\nJo Bloggs\\n12 Example Street\\nHolyhead\\nLL65 3LA\\n", "LL65 3LA")
'Jo Bloggs\\n12 Example Street\\nHolyhead\\nLL65 3LA'
"""
from __future__ import annotations

import re

from store import uk_postcodes

# A GB postcode in running text: outward code, optional space, inward code; bounded by non-alphanumerics.
POSTCODE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s?([0-9][A-Za-z]{2})(?![A-Za-z0-9])")
MAX_ADDRESS_LINES = 8


def postcode_in(text: str) -> str | None:
    """The first thing shaped like a postcode in `text`, written properly, or None."""
    for match in POSTCODE_IN_TEXT.finditer(text):
        written = uk_postcodes.normalise(match[1] + match[2])
        if written is not None:
            return written
    return None


def first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def closing_postcode(text: str) -> str | None:
    """The postcode on the letter's last line (its address block's), or None."""
    lines = [line for line in text.splitlines() if line.strip()]
    return postcode_in(lines[-1]) if lines else None


def address_block(text: str, postcode: str) -> str | None:
    """The last paragraph of the letter when its last line holds the postcode: the writer's name and
    postal address. None when the letter does not end that way."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    if not paragraphs:
        return None
    lines = [line.strip() for line in paragraphs[-1].splitlines() if line.strip()]
    # A name, a street or a town, the postcode; a longer paragraph is not an address (its first line,
    # which becomes the name the letter is sent in, would be anything).
    if not 3 <= len(lines) <= MAX_ADDRESS_LINES or postcode_in(lines[-1]) != postcode:
        return None
    return "\n".join(lines)
