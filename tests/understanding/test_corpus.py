"""The labelled corpus as a whole: classification, quote folding, no crashes, nothing lost."""
from __future__ import annotations

from collections import Counter


def test_the_corpus_is_big_and_varied_enough(labels):
    kinds = Counter(label["kind"] for label in labels.values())
    assert len(labels) >= 160
    assert kinds["auto_reply"] >= 30 and kinds["bounce"] >= 20 and kinds["spam"] >= 5


def test_every_corpus_message_is_understood_classified_and_folded(bench):
    score = bench.score_corpus(bench.load_corpus())
    assert score.crashes == []
    assert score.lost == []
    assert score.accuracy >= 0.98, "\n".join(score.wrong_kind)
    assert score.folding >= 0.90, "\n".join(score.wrong_fold)
