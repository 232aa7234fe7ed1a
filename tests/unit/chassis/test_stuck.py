"""A partition whose batch keeps failing at the same offset is reported stuck; progress or success clears it."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from services.chassis.envelope import Inbound
from services.chassis.metrics import Metrics
from services.chassis.stuck import StuckWatch
from services.messages import Lineage


def _batch(partition: int, start: int, size: int = 3) -> list[Inbound]:
    return [Inbound(b"k", b"v", Lineage(topic="t.articles.raw", partition=partition, offset=start + n)) for n in range(size)]


def _watch(registry: CollectorRegistry) -> StuckWatch:
    return StuckWatch(Metrics(registry).partition_stuck, threshold=3, backoff_s=0.5, backoff_max_s=4.0)


def _gauge(registry: CollectorRegistry, partition: int) -> float | None:
    labels = {"stage": "clean", "topic": "t.articles.raw", "partition": str(partition)}
    return registry.get_sample_value("newsflow_partition_stuck", labels)


def test_the_same_offset_failing_n_times_is_stuck_with_its_reason() -> None:
    registry = CollectorRegistry()
    watch = _watch(registry)
    for _ in range(2):
        watch.failed("clean", _batch(0, 10), ConnectionError("broker away"))
    assert watch.stuck() == []
    assert _gauge(registry, 0) == 0
    watch.failed("clean", _batch(0, 10), ConnectionError("broker away"))
    assert watch.stuck() == ["clean t.articles.raw/0 at offset 10: 3 failed attempts, last ConnectionError: broker away"]
    assert _gauge(registry, 0) == 1


def test_a_failure_further_on_starts_a_new_count_and_a_success_clears_it() -> None:
    registry = CollectorRegistry()
    watch = _watch(registry)
    for _ in range(3):
        watch.failed("clean", _batch(1, 0), RuntimeError("x"))
    assert watch.failed("clean", _batch(1, 3), RuntimeError("x")) == 1, "the partition moved: a new streak"
    assert watch.stuck() == []
    for _ in range(3):
        watch.failed("clean", _batch(1, 3), RuntimeError("x"))
    watch.succeeded("clean", _batch(1, 3))
    assert watch.stuck() == []
    assert _gauge(registry, 1) == 0


def test_the_pause_doubles_up_to_its_ceiling() -> None:
    watch = _watch(CollectorRegistry())
    assert [watch.backoff_s(n) for n in (1, 2, 3, 4, 5, 9)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
