"""MAC tokens that make thread addresses unguessable, and their typo-tolerant check.

Tokens use Crockford's base32 alphabet, which has no i, l, o or u, so the typos
people make copying an address by hand (l for 1, o for 0, capitals) normalise to
the right token instead of needing a fuzzy match.
"""
from __future__ import annotations

import hashlib
import hmac

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
TOKEN_LENGTH = 10
_NORMALISE = str.maketrans({"o": "0", "i": "1", "l": "1", "u": "v"})


def make_token(secret: bytes, purpose: str, ident: int | str) -> str:
    """A short MAC of ``purpose:ident``; different purposes give unrelated tokens.

    >>> make_token(b"k", "authority", 12) == make_token(b"k", "authority", 12)
    True
    >>> make_token(b"k", "authority", 12) != make_token(b"k", "citizen", 12)
    True
    """
    digest = hmac.new(secret, f"{purpose}:{ident}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(TOKEN_LENGTH):
        number, index = divmod(number, 32)
        chars.append(ALPHABET[index])
    return "".join(chars)


def normalise(token: str) -> str:
    """Lower case, and the letters Crockford's alphabet lacks mapped to their look-alikes.

    >>> normalise("AbLo9")
    'ab109'
    """
    return token.lower().translate(_NORMALISE)


def token_matches(expected: str, given: str) -> bool:
    """Exact match after normalisation, compared in constant time."""
    return hmac.compare_digest(expected.encode(), normalise(given).encode())


def within_one_typo(expected: str, given: str) -> bool:
    """True when `given` is `expected` with one character dropped, added, changed, or
    two neighbours swapped (after normalisation).

    >>> within_one_typo("abcdef", "abdef"), within_one_typo("abcdef", "abdcef")
    (True, True)
    >>> within_one_typo("abcdef", "abxyef")
    False
    """
    given = normalise(given)
    if given == expected:
        return True
    if abs(len(given) - len(expected)) > 1:
        return False
    if len(given) == len(expected):
        diffs = [i for i, (a, b) in enumerate(zip(expected, given, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        return (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                and expected[diffs[0]] == given[diffs[1]] and expected[diffs[1]] == given[diffs[0]])
    shorter, longer = sorted((expected, given), key=len)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


# The most HMACs one address may cost the typo search: every one-character slip in an id
# of up to six digits but insertions, whatever the address (tests/faults/ counts them).
MAX_TYPO_HMACS = 128


def id_variants(ident: str) -> list[str]:
    """Numeric ids one typo away from `ident`, itself first and then the likelier slips
    (swapped neighbours, a changed digit, a dropped one, an added one), for when the
    thread id in an address was mangled rather than the token.

    >>> id_variants("12")[:6]
    ['12', '21', '22', '32', '42', '52']
    """
    digits = "0123456789"
    ident = normalise(ident)
    n = len(ident)
    swapped = [ident[:i] + ident[i + 1] + ident[i] + ident[i + 2:] for i in range(n - 1)]
    changed = [ident[:i] + d + ident[i + 1:] for i in range(n) for d in digits]
    dropped = [ident[:i] + ident[i + 1:] for i in range(n)]
    added = [ident[:i] + d + ident[i:] for i in range(n + 1) for d in digits]
    ordered = dict.fromkeys([ident, *swapped, *changed, *dropped, *added])
    return [v for v in ordered if v.isdigit() and not v.startswith("0")]
