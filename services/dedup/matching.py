"""The in-process fingerprint index: exact hashes, canonical URLs and LSH buckets of the window."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from typing import TypeVar

from services.dedup.decision import Decision, MatchPolicy, Probe

_Key = TypeVar("_Key", str, bytes)


@dataclass(frozen=True)
class _Entry:
    probe: Probe
    cluster_id: str


class FingerprintIndex:
    """Fingerprints of indexed articles, looked up by hash, URL and LSH band; ids in insertion order."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._by_hash: defaultdict[str, list[str]] = defaultdict(list)
        self._by_url: defaultdict[str, list[str]] = defaultdict(list)
        self._by_band: defaultdict[bytes, list[str]] = defaultdict(list)
        self._expiry: list[tuple[float, str]] = []
        self._layout: tuple[int, int] | None = None  # (bands, rows) the buckets were built with

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, probe: Probe, cluster_id: str, policy: MatchPolicy | None) -> None:
        """Index an article; without a policy (while loading) the LSH buckets are built on first use."""
        if policy is not None:
            self._bind(policy)
        entry = _Entry(probe, cluster_id)
        self._entries[probe.article_id] = entry
        if probe.content_hash is not None:
            self._by_hash[probe.content_hash].append(probe.article_id)
        if probe.canonical_url is not None:
            self._by_url[probe.canonical_url].append(probe.article_id)
        if policy is not None and probe.signature is not None:
            for key in policy.band_keys(probe.signature):
                self._by_band[key].append(probe.article_id)
        heapq.heappush(self._expiry, (probe.event_time, probe.article_id))

    def match(self, probe: Probe, policy: MatchPolicy) -> Decision:
        """Exact body first, then same canonical URL, then the most similar near duplicate in the window."""
        self._bind(policy)
        if probe.content_hash is not None and (entry := self._first(self._by_hash.get(probe.content_hash, []), probe, policy)):
            return Decision("exact", entry.probe.article_id, entry.cluster_id, 1.0)
        if probe.canonical_url is not None and (entry := self._first(self._by_url.get(probe.canonical_url, []), probe, policy)):
            return Decision("url", entry.probe.article_id, entry.cluster_id, self._similarity(probe, entry, policy))
        if probe.signature is None:
            return Decision.unique(probe.article_id)
        best: tuple[float, _Entry] | None = None
        seen: set[str] = set()
        for key in policy.band_keys(probe.signature):
            for article_id in self._by_band.get(key, []):
                if article_id in seen:
                    continue
                seen.add(article_id)
                entry = self._in_window(article_id, probe, policy)
                if entry is None or entry.probe.signature is None:
                    continue
                score = policy.score(probe.signature, probe.shingles, entry.probe.signature, entry.probe.shingles)
                if score is not None and (best is None or score > best[0]):
                    best = (score, entry)
        if best is None:
            return Decision.unique(probe.article_id)
        return Decision("near", best[1].probe.article_id, best[1].cluster_id, best[0])

    def expire(self, horizon: float, policy: MatchPolicy) -> list[str]:
        """Drop articles fetched before `horizon`; returns their ids."""
        self._bind(policy)
        expired: list[str] = []
        while self._expiry and self._expiry[0][0] < horizon:
            _, article_id = heapq.heappop(self._expiry)
            entry = self._entries.pop(article_id, None)
            if entry is not None:
                self._unindex(entry.probe, policy)
                expired.append(article_id)
        return expired

    def _bind(self, policy: MatchPolicy) -> None:
        """(Re)build the LSH buckets when the layout differs from the one they were built with."""
        layout = (policy.bands, policy.rows)
        if layout == self._layout:
            return
        self._by_band.clear()
        for entry in self._entries.values():
            if entry.probe.signature is not None:
                for key in policy.band_keys(entry.probe.signature):
                    self._by_band[key].append(entry.probe.article_id)
        self._layout = layout

    def _in_window(self, article_id: str, probe: Probe, policy: MatchPolicy) -> _Entry | None:
        entry = self._entries.get(article_id)
        if entry is None or abs(entry.probe.event_time - probe.event_time) > policy.window_seconds:
            return None
        return entry

    def _first(self, ids: list[str], probe: Probe, policy: MatchPolicy) -> _Entry | None:
        return next((entry for article_id in ids if (entry := self._in_window(article_id, probe, policy))), None)

    @staticmethod
    def _similarity(probe: Probe, entry: _Entry, policy: MatchPolicy) -> float:
        if probe.signature is None or entry.probe.signature is None:
            return 0.0
        score = policy.score(probe.signature, probe.shingles, entry.probe.signature, entry.probe.shingles)
        return score if score is not None else float((probe.signature == entry.probe.signature).mean())

    def _unindex(self, probe: Probe, policy: MatchPolicy) -> None:
        if probe.content_hash is not None:
            _discard(self._by_hash, probe.content_hash, probe.article_id)
        if probe.canonical_url is not None:
            _discard(self._by_url, probe.canonical_url, probe.article_id)
        if probe.signature is not None:
            for key in policy.band_keys(probe.signature):
                _discard(self._by_band, key, probe.article_id)


def _discard(index: defaultdict[_Key, list[str]], key: _Key, article_id: str) -> None:
    ids = index.get(key)
    if ids is not None and article_id in ids:
        ids.remove(article_id)
        if not ids:
            del index[key]
