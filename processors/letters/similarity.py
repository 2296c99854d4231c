"""How alike two letters are, by WriteToThem's measure, keeping only fingerprints of old letters.

A template campaign (one text, sent by many people with their names changed) drowns a representative's
own constituents; WriteToThem holds such letters for a moderator. Its measure, kept here:

- only the letter's own words count: the greeting ("Dear Ms Prydderch,"), the sign-off ("Yours
  sincerely,") and the address block (the name and postal address that end it) are removed, then the
  text is folded to lower-case words separated by single spaces;
- every 32-byte substring of that text is hashed, and only the hashes whose low 4 bits are zero are kept
  (about one in 16, chosen by the content, not the position: an insertion moves the kept substrings with
  the text instead of shifting them all);
- two letters' similarity is the Dice score of their sets of kept hashes: 2·|A∩B| / (|A|+|B|).

The kept hashes are the fingerprint: all that is stored of an old letter (store/letter_moderation.py),
from which its text cannot be read back.

>>> a = fingerprint("Dear MP,\\n\\nPlease vote for the bill to protect the hedgerows of our county from "
...                 "being grubbed up by developers.\\n\\nYours sincerely,\\n\\nJo\\n1 Street\\nLL65 3LA")
>>> b = fingerprint("Dear Sir,\\n\\nPlease vote for the bill to protect the hedgerows of our county from "
...                 "being grubbed up by developers!\\n\\nThanks,\\n\\nAl\\n2 Road\\nSW1A 0AA")
>>> dice(a, b)
1.0
"""
from __future__ import annotations

import hashlib
import re

from processors.letters.letter_text import address_block, closing_postcode

WINDOW = 32          # bytes per hashed substring
KEEP_MASK = 0xF      # keep a hash when its low 4 bits are zero
MAX_LETTER_BYTES = 200_000  # a letter longer than this is compared on its first 200 kB (bounded work)

_GREETING = re.compile(r"(?i)^\s*(dear|hello|hi|to|attn|attention)\b[^\n]{0,100}\n")
_SIGN_OFF = re.compile(r"(?i)\n[^\n]{0,40}\b(yours|sincerely|faithfully|regards|thanks|thank you|best wishes|"
                       r"best|cheers|kind regards|respectfully)\b[^\n]{0,40}\s*$")
_NOT_WORD = re.compile(r"[\W_]+")


def own_words(text: str) -> str:
    """The letter without its greeting, sign-off and address block, as lower-case words."""
    text = text.replace("\r\n", "\n").strip()
    postcode = closing_postcode(text)
    block = address_block(text, postcode) if postcode else None
    if block is not None:  # the last paragraph: the name and postal address
        text = text[:text.rstrip().rfind("\n\n")] if "\n\n" in text else ""
    text = _SIGN_OFF.sub("", "\n" + text.strip())
    text = _GREETING.sub("", text.strip() + "\n")
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


def fingerprint(text: str) -> frozenset[int]:
    data = own_words(text).encode("utf-8")[:MAX_LETTER_BYTES]
    kept = set()
    for start in range(max(len(data) - WINDOW + 1, 0)):
        value = int.from_bytes(hashlib.blake2b(data[start:start + WINDOW], digest_size=8).digest(), "big")
        if value & KEEP_MASK == 0:
            kept.add(value >> 4)  # the zero bits carry nothing; 60 bits fit a signed 64-bit integer
    return frozenset(kept)


def dice(a: frozenset[int], b: frozenset[int]) -> float:
    """The Dice score of two fingerprints: 0 when nothing is shared (or either is empty), 1 when equal."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def encode(hashes: frozenset[int]) -> str:
    """A fingerprint as stored: hex hashes, sorted, space-separated."""
    return " ".join(f"{h:x}" for h in sorted(hashes))


def decode(stored: str) -> frozenset[int]:
    return frozenset(int(h, 16) for h in stored.split())
