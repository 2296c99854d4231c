"""Random byte mutations of real corpus mail never raise and never run past the time limit."""
from __future__ import annotations

import random
import time

from processors.understanding import Limits, Understood, understand
from tests.understanding.understanding_helpers import CORPUS

MUTATIONS = 300


def _mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        if not buf:
            break
        op = rng.random()
        pos = rng.randrange(len(buf))
        if op < 0.3:
            buf[pos] = rng.randrange(256)
        elif op < 0.5:
            del buf[pos:pos + rng.randint(1, 200)]
        elif op < 0.7:
            buf[pos:pos] = rng.choice([b"\n--", b"=?utf-8?B?", b"\r", b"Content-Type: multipart/mixed; boundary=x\n",
                                       b"begin 644 x\n", b"=\n", b"\x00", b"\xff\xfe", b"--x--\n", b"PK\x03\x04"])
        elif op < 0.85:
            end = pos + rng.randint(1, 400)
            buf[pos:pos] = buf[pos:end]
        else:
            del buf[pos:]
    return bytes(buf)


def test_hundreds_of_mutated_corpus_messages_never_raise_or_hang():
    rng = random.Random(1234)
    files = sorted(CORPUS.glob("*.eml"))
    limits = Limits(max_seconds=2.0)
    slowest = 0.0
    for i in range(MUTATIONS):
        source = files[i % len(files)].read_bytes()
        raw = _mutate(rng, source)
        start = time.monotonic()
        u = understand(raw, limits=limits)
        slowest = max(slowest, time.monotonic() - start)
        assert isinstance(u, Understood)
        assert u.kind in ("human", "auto_reply", "bounce", "spam")
        assert isinstance(u.new_text, str) and isinstance(u.subject, str)
    assert slowest < limits.max_seconds + 1.0
