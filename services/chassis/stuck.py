"""Partitions a stage cannot get past: batches that keep failing while the partition's offset does not move.

A record can no longer do this by itself (an output that cannot be published is dead-lettered, a failing
batch is narrowed down to the record that fails it), so what remains is a cause outside the batch: the
broker away or refusing writes, a shared store down. The service reports it: a gauge per partition, /readyz
503 with the reason, and a growing pause between attempts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prometheus_client import Gauge

from services.chassis.envelope import Inbound


@dataclass
class _Streak:
    offset: int
    failures: int
    error: str


class StuckWatch:
    """Counts failed attempts per (stage, topic, partition) at the offset a batch starts from."""

    def __init__(self, gauge: Gauge, *, threshold: int, backoff_s: float, backoff_max_s: float) -> None:
        self._gauge = gauge
        self._threshold = threshold
        self._backoff_s = backoff_s
        self._backoff_max_s = backoff_max_s
        self._streaks: dict[tuple[str, str, int], _Streak] = {}

    @staticmethod
    def _starts(batch: Sequence[Inbound]) -> dict[tuple[str, int], int]:
        starts: dict[tuple[str, int], int] = {}
        for item in batch:
            key = (item.lineage.topic, item.lineage.partition)
            starts[key] = min(starts.get(key, item.lineage.offset), item.lineage.offset)
        return starts

    def failed(self, stage: str, batch: Sequence[Inbound], error: BaseException) -> int:
        """Record a failed attempt of `batch`; returns the longest streak among its partitions."""
        longest = 0
        for (topic, partition), offset in self._starts(batch).items():
            key = (stage, topic, partition)
            streak = self._streaks.get(key)
            if streak is None or streak.offset != offset:
                streak = _Streak(offset, 0, "")
            streak.failures += 1
            streak.error = f"{type(error).__name__}: {error}"[:300]
            self._streaks[key] = streak
            longest = max(longest, streak.failures)
            self._gauge.labels(stage, topic, str(partition)).set(1 if streak.failures >= self._threshold else 0)
        return longest

    def succeeded(self, stage: str, batch: Sequence[Inbound]) -> None:
        for topic, partition in self._starts(batch):
            if self._streaks.pop((stage, topic, partition), None) is not None:
                self._gauge.labels(stage, topic, str(partition)).set(0)

    def backoff_s(self, failures: int) -> float:
        """The pause before the next attempt: doubling from the configured backoff, up to its ceiling."""
        return float(min(self._backoff_max_s, self._backoff_s * 2 ** max(0, failures - 1)))

    def stuck(self) -> list[str]:
        """A readable reason per partition at or over the threshold."""
        return [
            f"{stage} {topic}/{partition} at offset {streak.offset}: {streak.failures} failed attempts, last {streak.error}"
            for (stage, topic, partition), streak in sorted(self._streaks.items())
            if streak.failures >= self._threshold
        ]
