"""Tokens, body hashes, MinHash signatures and the near-duplicate score."""

from __future__ import annotations

import numpy as np

from services.dedup.decision import MatchPolicy
from services.dedup.minhash import MinHasher, estimated_jaccard
from services.dedup.text import content_hash, tokens

WORDS = [f"word{index}" for index in range(400)]


def test_tokens_fold_case_quotes_and_punctuation() -> None:
    assert tokens("“Hello,” said ﬁve PEOPLE.") == ["hello", "said", "five", "people"]


def test_content_hash_ignores_spacing_and_punctuation_but_not_words() -> None:
    assert content_hash(tokens("A cat; sat.\n\nOn  it")) == content_hash(tokens("a cat sat on it"))
    assert content_hash(tokens("a cat sat on it")) != content_hash(tokens("a dog sat on it"))


def test_signature_is_deterministic_across_hashers() -> None:
    first, second = MinHasher(), MinHasher()
    assert np.array_equal(first.signature(first.shingle_hashes(WORDS)), second.signature(second.shingle_hashes(WORDS)))


def test_short_text_is_one_shingle_and_empty_text_none() -> None:
    hasher = MinHasher(shingle_size=5)
    assert hasher.shingle_hashes(["a", "b"]).size == 1
    assert hasher.shingle_hashes([]).size == 0


def test_estimated_jaccard_is_close_to_the_true_one() -> None:
    hasher = MinHasher(num_perm=256)
    left, right = hasher.shingle_hashes(WORDS), hasher.shingle_hashes(WORDS[100:] + [f"other{i}" for i in range(100)])
    true = np.intersect1d(left, right).size / np.union1d(left, right).size
    assert abs(estimated_jaccard(hasher.signature(left), hasher.signature(right)) - true) < 0.1


def _policy() -> MatchPolicy:
    return MatchPolicy(
        window_seconds=60.0,
        decision_retention_seconds=60.0,
        jaccard_threshold=0.6,
        containment_threshold=0.8,
        bands=64,
        rows=2,
    )


def test_score_finds_a_body_inside_a_page_with_navigation() -> None:
    hasher = MinHasher()
    body = hasher.shingle_hashes(WORDS[:200])
    page = hasher.shingle_hashes([f"menu{i}" for i in range(300)] + WORDS[:200] + [f"footer{i}" for i in range(300)])
    score = _policy().score(hasher.signature(body), body.size, hasher.signature(page), page.size)
    assert score is not None
    assert score >= 0.8


def test_score_rejects_unrelated_and_tiny_overlaps() -> None:
    hasher = MinHasher()
    first, second = hasher.shingle_hashes(WORDS[:200]), hasher.shingle_hashes(WORDS[200:])
    assert _policy().score(hasher.signature(first), first.size, hasher.signature(second), second.size) is None
    tiny, large = hasher.shingle_hashes(WORDS[:8]), hasher.shingle_hashes(WORDS)
    assert _policy().score(hasher.signature(tiny), tiny.size, hasher.signature(large), large.size) is None
