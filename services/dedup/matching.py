"""The in-process fingerprint index: exact hashes, canonical URLs and LSH buckets of the window."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import numpy as np

from services.dedup.band_table import BandTable
from services.dedup.decision import MatchPolicy, Probe
from services.dedup.minhash import Signature, distinct


@dataclass(frozen=True, slots=True)
class Match:
    """The indexed article an arriving one copies, how, and the story it belongs to."""

    article_id: str
    story: str
    kind: Literal["exact", "near", "url"]
    similarity: float


@dataclass(frozen=True, slots=True)
class _Entry:
    probe: Probe
    story: str
    number: int  # insertion order: ties between equally similar candidates go to the earliest


class FingerprintIndex:
    """Fingerprints of indexed articles, looked up by body hash, canonical URL and LSH band."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._ids_by_number: dict[int, str] = {}
        self._by_hash: defaultdict[str, list[str]] = defaultdict(list)
        self._by_url: defaultdict[str, list[str]] = defaultdict(list)
        self._bands = BandTable()
        self._expiry: list[tuple[float, str]] = []
        self._next_number = 0
        self._layout: tuple[int, int] | None = None  # (bands, rows) the band table was built with

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._entries

    def discard(self, article_id: str, policy: MatchPolicy | None) -> None:
        """Drop an article's fingerprints (an update replaces them); its expiry entry lapses on its own."""
        entry = self._entries.pop(article_id, None)
        if entry is not None:
            self._unindex(entry, policy)

    def add(self, probe: Probe, story: str, policy: MatchPolicy | None) -> None:
        """Index an article; without a policy (while loading) the band table is built on first use."""
        if policy is not None:
            self._bind(policy)
        self.discard(probe.article_id, policy)
        entry = _Entry(probe, story, self._next_number)
        self._next_number += 1
        self._entries[probe.article_id] = entry
        self._ids_by_number[entry.number] = probe.article_id
        if probe.content_hash is not None:
            self._by_hash[probe.content_hash].append(probe.article_id)
        if probe.canonical_url is not None:
            self._by_url[probe.canonical_url].append(probe.article_id)
        if policy is not None and probe.signature is not None:
            self._bands.add(policy.band_hashes(probe.signature), entry.number)
        heapq.heappush(self._expiry, (probe.event_time, probe.article_id))

    def match(self, probe: Probe, policy: MatchPolicy) -> Match | None:
        """Exact body first, then same canonical URL, then the most similar near duplicate in the window."""
        self._bind(policy)
        if probe.content_hash is not None and (entry := self._first(self._by_hash.get(probe.content_hash, []), probe, policy)):
            return Match(entry.probe.article_id, entry.story, "exact", 1.0)
        if probe.canonical_url is not None and (entry := self._first(self._by_url.get(probe.canonical_url, []), probe, policy)):
            return Match(entry.probe.article_id, entry.story, "url", similarity(probe.signature, probe.shingles, entry.probe, policy))
        if probe.signature is None:
            return None
        best: tuple[float, _Entry] | None = None
        for number in distinct(self._bands.find(policy.band_hashes(probe.signature))).tolist():
            entry = self._in_window(self._ids_by_number.get(number), probe, policy)
            if entry is None or entry.probe.signature is None:
                continue
            score = policy.score(probe.signature, probe.shingles, entry.probe.signature, entry.probe.shingles)
            if score is not None and (best is None or score > best[0]):
                best = (score, entry)
        if best is None:
            return None
        return Match(best[1].probe.article_id, best[1].story, "near", best[0])

    def probe(self, article_id: str) -> Probe | None:
        """The indexed probe of an article, while it is in the window."""
        entry = self._entries.get(article_id)
        return None if entry is None else entry.probe

    def expire(self, horizon: float, policy: MatchPolicy) -> list[str]:
        """Drop articles fetched before `horizon`; returns their ids."""
        self._bind(policy)
        expired: list[str] = []
        while self._expiry and self._expiry[0][0] < horizon:
            _, article_id = heapq.heappop(self._expiry)
            entry = self._entries.get(article_id)
            if entry is not None and entry.probe.event_time < horizon:  # an update may have re-indexed it later
                del self._entries[article_id]
                self._unindex(entry, policy)
                expired.append(article_id)
        return expired

    def _bind(self, policy: MatchPolicy) -> None:
        """(Re)build the band table when the layout differs from the one it was built with."""
        layout = (policy.bands, policy.rows)
        if layout == self._layout:
            return
        indexed = [entry for entry in self._entries.values() if entry.probe.signature is not None]
        self._bands = BandTable()
        if indexed:  # one vectorised load: a restored week is 1.4 million signatures
            signatures = np.stack([entry.probe.signature for entry in indexed if entry.probe.signature is not None])
            numbers = np.array([entry.number for entry in indexed], dtype=np.int32)
            self._bands.load(policy.band_hashes_of_many(signatures), numbers)
        self._layout = layout

    def _in_window(self, article_id: str | None, probe: Probe, policy: MatchPolicy) -> _Entry | None:
        entry = self._entries.get(article_id) if article_id is not None else None
        if entry is None or abs(entry.probe.event_time - probe.event_time) > policy.window_seconds:
            return None
        return entry

    def _first(self, ids: list[str], probe: Probe, policy: MatchPolicy) -> _Entry | None:
        return next((entry for article_id in ids if (entry := self._in_window(article_id, probe, policy))), None)

    def _unindex(self, entry: _Entry, policy: MatchPolicy | None) -> None:
        probe = entry.probe
        del self._ids_by_number[entry.number]
        if probe.content_hash is not None:
            _discard(self._by_hash, probe.content_hash, probe.article_id)
        if probe.canonical_url is not None:
            _discard(self._by_url, probe.canonical_url, probe.article_id)
        if probe.signature is not None and policy is not None and self._layout is not None:
            self._bands.remove(policy.band_hashes(probe.signature), entry.number)


def similarity(signature: Signature | None, shingles: int, other: Probe, policy: MatchPolicy) -> float:
    """Similarity reported for a copy that is not exact: the near-duplicate score, else the Jaccard estimate."""
    if signature is None or other.signature is None:
        return 0.0
    score = policy.score(signature, shingles, other.signature, other.shingles)
    return score if score is not None else float((signature == other.signature).mean())


def _discard(index: defaultdict[str, list[str]], key: str, article_id: str) -> None:
    ids = index.get(key)
    if ids is not None and article_id in ids:
        ids.remove(article_id)
        if not ids:
            del index[key]
