"""In-process dedup state: the decision per article id and the fingerprint indexes of the window."""

from __future__ import annotations

import heapq
import threading
from dataclasses import replace
from pathlib import Path

from services.dedup.decision import Decision, MatchPolicy, Probe
from services.dedup.journal import Journal
from services.dedup.matching import FingerprintIndex
from services.dedup.records import DecisionRecord


class DedupState:
    """Decisions and fingerprints held in this process, optionally persisted to a file.

    `decide` is atomic under a lock, so stages in several threads may share one state.
    """

    def __init__(self, journal: Journal | None = None) -> None:
        self._journal = journal
        self._lock = threading.Lock()
        self._records: dict[str, DecisionRecord] = {}
        self._decision_expiry: list[tuple[float, str]] = []
        self._index = FingerprintIndex()
        self._watermark = float("-inf")
        self._closed = False

    @classmethod
    def open(cls, path: Path | None, *, flush_every: int = 256) -> DedupState:
        """A state persisted at `path` (loaded if the file exists), or a memory-only one for None.

        Decisions are flushed to a journal every `flush_every` decisions: a kill -9 loses at most that many.
        """
        if path is None:
            return cls()
        journal = Journal(path, flush_every=flush_every)
        state = cls(journal)
        for record in journal.load():
            state._restore(record)
        return state

    @property
    def ready(self) -> bool:
        return not self._closed

    @property
    def fingerprints(self) -> int:
        """Fingerprints in the window (the index's size)."""
        return len(self._index)

    @property
    def decisions(self) -> int:
        """Decisions retained for replays."""
        return len(self._records)

    def decide(self, probes: list[Probe], policy: MatchPolicy) -> list[Decision]:
        with self._lock:
            if self._closed:
                raise RuntimeError("the dedup state is closed")
            decisions = [self._decide_one(probe, policy) for probe in probes]
            if self._journal is not None and self._journal.wants_compaction(len(self._records)):
                self._journal.compact(self._records.values())
            return decisions

    def flush(self) -> None:
        """Make every decision so far durable (call before committing consumer offsets)."""
        with self._lock:
            if self._journal is not None:
                self._journal.flush()

    def close(self) -> None:
        """Write a snapshot (atomically) when persisted, then refuse further decisions."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._journal is not None:
                self._journal.compact(self._records.values())
                self._journal.close()

    def _decide_one(self, probe: Probe, policy: MatchPolicy) -> Decision:
        known = self._records.get(probe.article_id)
        if known is not None:
            return known.decision  # a redelivery or replay: same answer, never a duplicate of itself
        self._advance(probe.event_time, policy)
        decision = self._index.match(probe, policy)
        record = DecisionRecord(probe, decision, indexed=decision.kind == "unique" or policy.index_duplicates)
        self._keep(record, policy)
        if self._journal is not None:
            self._journal.append(record)
        return decision

    def _keep(self, record: DecisionRecord, policy: MatchPolicy | None) -> None:
        probe = record.probe
        self._records[probe.article_id] = record
        heapq.heappush(self._decision_expiry, (probe.event_time, probe.article_id))
        if record.indexed:
            self._index.add(probe, record.decision.cluster_id, policy)

    def _restore(self, record: DecisionRecord) -> None:
        if record.probe.article_id not in self._records:
            self._watermark = max(self._watermark, record.probe.event_time)
            self._keep(record, None)

    def _advance(self, event_time: float, policy: MatchPolicy) -> None:
        """Move the watermark (latest event time seen) and drop what fell out of the window or retention."""
        self._watermark = max(self._watermark, event_time)
        for article_id in self._index.expire(self._watermark - policy.window_seconds, policy):
            record = self._records.get(article_id)
            if record is not None:  # keep the decision, drop the signature: it is most of the memory
                self._records[article_id] = replace(record, probe=replace(record.probe, signature=None), indexed=False)
        horizon = self._watermark - max(policy.decision_retention_seconds, policy.window_seconds)
        while self._decision_expiry and self._decision_expiry[0][0] < horizon:
            _, article_id = heapq.heappop(self._decision_expiry)
            self._records.pop(article_id, None)
