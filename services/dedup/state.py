"""In-process dedup state: the decision per article id and the fingerprint indexes of the window."""

from __future__ import annotations

import heapq
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from services.dedup.decision import Decision, MatchPolicy, Probe
from services.dedup.minhash import Signature, estimated_jaccard

_Key = TypeVar("_Key", str, bytes)


@dataclass(frozen=True)
class _Entry:
    article_id: str
    event_time: float
    content_hash: str | None
    canonical_url: str | None
    signature: Signature | None
    cluster_id: str


class DedupState:
    """Decisions and fingerprints held in this process; `decide` is atomic under a lock."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._decisions: dict[str, tuple[float, Decision]] = {}
        self._entries: dict[str, _Entry] = {}
        self._by_hash: defaultdict[str, list[str]] = defaultdict(list)
        self._by_url: defaultdict[str, list[str]] = defaultdict(list)
        self._by_band: defaultdict[bytes, list[str]] = defaultdict(list)
        self._expiry: list[tuple[float, str]] = []
        self._watermark = float("-inf")
        self._closed = False

    @classmethod
    def open(cls, path: Path | None) -> DedupState:
        """A state persisted at `path` (loaded if the file exists), or a memory-only one for None."""
        return cls(path)

    @property
    def ready(self) -> bool:
        return not self._closed

    def close(self) -> None:
        self._closed = True

    def decide(self, probe: Probe, policy: MatchPolicy) -> Decision:
        """The stored decision for this id, else match against the window, store and index."""
        with self._lock:
            known = self._decisions.get(probe.article_id)
            if known is not None:
                return known[1]
            self._advance(probe.event_time, policy)
            decision = self._match(probe, policy)
            self._decisions[probe.article_id] = (probe.event_time, decision)
            if decision.kind == "unique" or policy.index_duplicates:
                self._index(probe, decision.cluster_id, policy)
            return decision

    def _in_window(self, article_id: str, event_time: float, policy: MatchPolicy) -> _Entry | None:
        entry = self._entries.get(article_id)
        if entry is None or abs(entry.event_time - event_time) > policy.window_seconds:
            return None
        return entry

    def _first_in_window(self, ids: list[str], probe: Probe, policy: MatchPolicy) -> _Entry | None:
        for article_id in ids:
            entry = self._in_window(article_id, probe.event_time, policy)
            if entry is not None:
                return entry
        return None

    def _match(self, probe: Probe, policy: MatchPolicy) -> Decision:
        if probe.content_hash is not None and (entry := self._first_in_window(self._by_hash.get(probe.content_hash, []), probe, policy)):
            return Decision("exact", entry.article_id, entry.cluster_id, 1.0)
        if probe.canonical_url is not None and (entry := self._first_in_window(self._by_url.get(probe.canonical_url, []), probe, policy)):
            similarity = 0.0
            if probe.signature is not None and entry.signature is not None:
                similarity = estimated_jaccard(probe.signature, entry.signature)
            return Decision("url", entry.article_id, entry.cluster_id, similarity)
        if probe.signature is None:
            return Decision.unique(probe.article_id)
        best: tuple[float, _Entry] | None = None
        seen: set[str] = set()
        for key in policy.band_keys(probe.signature):
            for article_id in self._by_band.get(key, []):
                if article_id in seen:
                    continue
                seen.add(article_id)
                entry = self._in_window(article_id, probe.event_time, policy)
                if entry is None or entry.signature is None:
                    continue
                score = estimated_jaccard(probe.signature, entry.signature)
                if score >= policy.threshold and (best is None or score > best[0]):
                    best = (score, entry)
        if best is None:
            return Decision.unique(probe.article_id)
        return Decision("near", best[1].article_id, best[1].cluster_id, best[0])

    def _index(self, probe: Probe, cluster_id: str, policy: MatchPolicy) -> None:
        entry = _Entry(probe.article_id, probe.event_time, probe.content_hash, probe.canonical_url, probe.signature, cluster_id)
        self._entries[probe.article_id] = entry
        if entry.content_hash is not None:
            self._by_hash[entry.content_hash].append(entry.article_id)
        if entry.canonical_url is not None:
            self._by_url[entry.canonical_url].append(entry.article_id)
        if entry.signature is not None:
            for key in policy.band_keys(entry.signature):
                self._by_band[key].append(entry.article_id)
        heapq.heappush(self._expiry, (entry.event_time, entry.article_id))

    def _advance(self, event_time: float, policy: MatchPolicy) -> None:
        """Move the watermark (latest event time seen) and drop fingerprints older than the window."""
        self._watermark = max(self._watermark, event_time)
        horizon = self._watermark - policy.window_seconds
        while self._expiry and self._expiry[0][0] < horizon:
            _, article_id = heapq.heappop(self._expiry)
            entry = self._entries.pop(article_id, None)
            if entry is not None:
                self._unindex(entry, policy)

    def _unindex(self, entry: _Entry, policy: MatchPolicy) -> None:
        if entry.content_hash is not None:
            _discard(self._by_hash, entry.content_hash, entry.article_id)
        if entry.canonical_url is not None:
            _discard(self._by_url, entry.canonical_url, entry.article_id)
        if entry.signature is not None:
            for key in policy.band_keys(entry.signature):
                _discard(self._by_band, key, entry.article_id)


def _discard(index: defaultdict[_Key, list[str]], key: _Key, article_id: str) -> None:
    ids = index.get(key)
    if ids is None:
        return
    if article_id in ids:
        ids.remove(article_id)
    if not ids:
        del index[key]
