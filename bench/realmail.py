"""Benchmark and score the mail-understanding layer over the labelled real-mail corpus.

    python bench/realmail.py [--quick]

Prints classification accuracy, quote-folding exact-match rate, crashes, messages lost,
then whole-pipeline throughput (parse+classify+fold+redact) on one core beside a plain
stdlib parse+get_body baseline. Exits non-zero when a target is missed.
"""
from __future__ import annotations

import argparse
import email
import email.policy
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from processors.understanding import redact_text, understand  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "realmail"
TARGET_ACCURACY = 0.98
TARGET_FOLDING = 0.90
TARGET_RATE = 300.0
THREAD = {"request-1201-5f3a9c2e@foi.example": "[FOI #1201 email]"}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@dataclass
class Score:
    total: int = 0
    correct_kind: int = 0
    folded_total: int = 0
    folded_exact: int = 0
    crashes: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    wrong_kind: list[str] = field(default_factory=list)
    wrong_fold: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct_kind / self.total if self.total else 0.0

    @property
    def folding(self) -> float:
        return self.folded_exact / self.folded_total if self.folded_total else 0.0


def load_corpus() -> list[tuple[str, bytes, dict]]:
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    return [(name, (CORPUS / name).read_bytes(), label) for name, label in sorted(labels.items())]


def score_corpus(corpus: list[tuple[str, bytes, dict]]) -> Score:
    s = Score()
    for name, raw, label in corpus:
        s.total += 1
        try:
            u = understand(raw)
            redact_text(u.new_text, thread_addresses=THREAD)
        except Exception as exc:  # noqa: BLE001 - counting crashes is the point
            s.crashes.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        if u is None:
            s.lost.append(name)
            continue
        if u.kind == label["kind"]:
            s.correct_kind += 1
        else:
            s.wrong_kind.append(f"{name}: expected {label['kind']}, got {u.kind} ({u.kind_reason})")
        if "new_text" in label:
            s.folded_total += 1
            if normalise(u.new_text) == normalise(label["new_text"]):
                s.folded_exact += 1
            else:
                s.wrong_fold.append(f"{name}:\n   expected: {normalise(label['new_text'])[:300]!r}\n   got:      {normalise(u.new_text)[:300]!r}")
    return s


def throughput_mix(corpus: list[tuple[str, bytes, dict]], count: int) -> list[bytes]:
    """A realistic mix without PDFs (and other heavy attachments), repeated to `count` messages."""
    light = [raw for name, raw, _ in corpus if b"application/pdf" not in raw and b"%PDF" not in raw and len(raw) < 60_000]
    return [light[i % len(light)] for i in range(count)]


def run_pipeline(messages: list[bytes]) -> float:
    start = time.perf_counter()
    for raw in messages:
        u = understand(raw)
        redact_text(u.new_text, thread_addresses=THREAD)
    return len(messages) / (time.perf_counter() - start)


def run_baseline(messages: list[bytes]) -> float:
    start = time.perf_counter()
    for raw in messages:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        try:
            body = msg.get_body(preferencelist=("plain", "html"))
            if body is not None:
                body.get_content()
        except Exception:  # noqa: BLE001 - the baseline gives up where we would not
            pass
    return len(messages) / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="throughput over 400 messages instead of 2,000")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every misclassified or misfolded message")
    args = parser.parse_args(argv)
    corpus = load_corpus()
    s = score_corpus(corpus)
    print(f"corpus: {s.total} messages")
    print(f"classification accuracy: {s.accuracy:.1%} ({s.correct_kind}/{s.total}; target {TARGET_ACCURACY:.0%})")
    print(f"quote folding exact-match: {s.folding:.1%} ({s.folded_exact}/{s.folded_total}; target {TARGET_FOLDING:.0%})")
    print(f"crashes: {len(s.crashes)}")
    print(f"messages lost: {len(s.lost)}")
    for line in s.crashes + s.lost:
        print("  CRASH/LOST", line)
    if args.verbose or s.accuracy < TARGET_ACCURACY:
        for line in s.wrong_kind:
            print("  KIND", line)
    if args.verbose or s.folding < TARGET_FOLDING:
        for line in s.wrong_fold:
            print("  FOLD", line)
    count = 400 if args.quick else 2000
    mix = throughput_mix(corpus, count)
    run_pipeline(mix[:50])  # warm imports and caches
    rate = run_pipeline(mix)
    base = run_baseline(mix)
    print(f"throughput over {count} messages (one core): pipeline {rate:.0f} msgs/s, "
          f"stdlib parse+get_body baseline {base:.0f} msgs/s, ratio {rate / base:.2f}x (target {TARGET_RATE:.0f} msgs/s)")
    failed = []
    if s.accuracy < TARGET_ACCURACY:
        failed.append("accuracy")
    if s.folding < TARGET_FOLDING:
        failed.append("folding")
    if s.crashes:
        failed.append("crashes")
    if s.lost:
        failed.append("lost")
    if rate < TARGET_RATE:
        failed.append("throughput")
    if failed:
        print("TARGETS MISSED: " + ", ".join(failed))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
