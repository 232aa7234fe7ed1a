"""A synthetic feed for the dedup scale bench: probes (fingerprints), not texts, so a week of them is quick to make.

Every article is fetched `86400 / per_day` seconds after the previous one. Unique stories get random
MinHash signatures (two random signatures agree on a permutation with probability 2**-32: unrelated
articles). Copies take a story from the last day: exact copies share its body hash and signature,
near copies change `near_changes` of its 128 signature values (estimated Jaccard ~0.88, the edits of
a syndicated wire story), URL copies share its canonical URL with another body.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from services.dedup.decision import Probe

_T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z
_RECENT = 4096  # stories copies are drawn from: the latest ones, as syndication follows the news


@dataclass(frozen=True)
class FeedSpec:
    """Volume, length and the share of each kind of copy."""

    per_day: int = 200_000
    days: float = 7.0
    exact_share: float = 0.10
    near_share: float = 0.12
    url_share: float = 0.03
    near_changes: int = 15
    num_perm: int = 128
    seed: int = 7

    @property
    def articles(self) -> int:
        return int(self.per_day * self.days)


class Feed:
    """Yields the feed's probes in fetch order, in batches; `index` continues across calls."""

    def __init__(self, spec: FeedSpec, *, prefix: str = "a") -> None:
        self.spec = spec
        self._prefix = prefix
        self._rng = np.random.default_rng(spec.seed)
        self._signatures = np.zeros((_RECENT, spec.num_perm), dtype=np.uint32)
        self._hashes: list[str] = [""] * _RECENT
        self._urls: list[str] = [""] * _RECENT
        self._ids: list[str] = [""] * _RECENT
        self._stories = 0
        self.index = 0

    def batches(self, count: int, size: int) -> Iterator[list[Probe]]:
        """`count` probes in batches of `size`."""
        end = self.index + count
        while self.index < end:
            yield [self._next()[0] for _ in range(min(size, end - self.index))]

    def with_stories(self, count: int) -> Iterator[tuple[Probe, str, str]]:
        """`count` probes, each with the id of the story it belongs to and how it copies it (`unique` for a new story)."""
        for _ in range(count):
            yield self._next()

    def _next(self) -> tuple[Probe, str, str]:
        spec, rng, index = self.spec, self._rng, self.index
        self.index += 1
        fetched = _T0 + index * 86_400.0 / spec.per_day
        article_id = f"{self._prefix}{index:09d}"
        key = f"raw/{self._prefix}/{index}"
        roll = float(rng.random()) if self._stories else 1.0
        shingles = int(rng.integers(150, 900))
        if roll < spec.exact_share + spec.near_share + spec.url_share:
            story = int(rng.integers(0, min(self._stories, _RECENT)))
            signature, story_id = self._signatures[story], self._ids[story]
            if roll < spec.exact_share:
                return Probe(article_id, fetched, fetched, key, self._hashes[story], None, signature.copy(), shingles), story_id, "exact"
            if roll < spec.exact_share + spec.near_share:
                near = signature.copy()
                changed = rng.choice(spec.num_perm, size=spec.near_changes, replace=False)
                near[changed] = rng.integers(0, 2**32, size=spec.near_changes, dtype=np.uint32)
                return Probe(article_id, fetched, fetched, key, f"{index:032x}", None, near, shingles), story_id, "near"
            body = rng.integers(0, 2**32, size=spec.num_perm, dtype=np.uint32)
            return Probe(article_id, fetched, fetched, key, f"{index:032x}", self._urls[story], body, shingles), story_id, "url"
        signature = rng.integers(0, 2**32, size=spec.num_perm, dtype=np.uint32)
        slot = self._stories % _RECENT
        self._signatures[slot] = signature
        self._hashes[slot] = f"{index:032x}"
        self._urls[slot] = f"https://site{index % 5000}.example/{index}"
        self._ids[slot] = article_id
        self._stories += 1
        return Probe(article_id, fetched, fetched, key, self._hashes[slot], self._urls[slot], signature, shingles), article_id, "unique"
