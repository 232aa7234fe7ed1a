"""The dedup scale bench on a small feed (the week-long run is `newsflow bench-dedup`, not CI): every figure is produced."""

from __future__ import annotations

import shutil

import pytest

from services.bench import dedup_scale
from services.bench.dedup_stream import Feed, FeedSpec

SMALL = FeedSpec(per_day=800, days=1.0)


def test_the_feed_has_the_share_of_copies_it_promises() -> None:
    kinds = [kind for _, _, kind in Feed(FeedSpec(per_day=20_000, days=1.0)).with_stories(20_000)]
    copies = 1 - kinds.count("unique") / len(kinds)
    assert copies == pytest.approx(0.25, abs=0.02)
    assert kinds.count("exact") > 0
    assert kinds.count("url") > 0


def test_the_embedded_figures_come_from_a_killed_and_restored_state() -> None:
    figures = dedup_scale.run(SMALL, sample=300, instances=2, redis=False, texts=["A short body of words to fingerprint."] * 5)
    embedded = figures["embedded"]
    # the week, the first decision, the timed batches, the timed single decisions, the journal written after compaction
    assert embedded["articles_in_state"] == 800 + 1 + 300 + 300 + 300
    assert embedded["articles_restored"] == embedded["articles_in_state"] + 1  # all of it survived kill -9, plus the first decision
    assert embedded["decisions_per_s"] > 0
    assert embedded["decision_p99_ms"] >= embedded["decision_p50_ms"] > 0
    assert embedded["snapshot_mb"] > 0
    assert "redis" not in figures
    assert "restore after kill -9" in dedup_scale.render(figures)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_the_redis_figures_come_from_several_instances_sharing_one_server() -> None:
    figures = dedup_scale.run(SMALL, sample=200, instances=2, redis=True, texts=[], redis_days=0.5)
    shared = figures["redis"]
    assert shared["articles_in_state"] == 400 + 2 * 200 + 2 * 200 + 1  # the fill, the timed and latency segments, the replacement
    assert len(shared["decisions_per_s_per_instance"]) == 2
    assert shared["redis_commands_per_decision"] > 2
    assert shared["bytes_per_article"] > 0
