"""The compute limit's in-memory stage runs hand each input on once, held outputs included."""

from __future__ import annotations

from datetime import timedelta

from services.bench.compute import Encoded, run_offline
from services.bench.runs import distinct_keys
from services.settings import Settings
from tests.unit.dedup.conftest import article
from tests.unit.dedup.test_stage import OTHER, STORY


def _encoded(article_id: str, body: str, minutes: int) -> Encoded:
    return Encoded(article_id.encode(), article(article_id, body, at=timedelta(minutes=minutes)).model_dump_json().encode())


def test_dedup_with_held_verdicts_hands_each_article_on_once_and_the_last_ones_at_the_end() -> None:
    # With a grace period, verdicts wait for later events; one record per batch makes them come out batches later.
    settings = Settings(dedup_grace=timedelta(hours=2), batch_max_records=1)
    inputs = [_encoded("mirror", STORY, 74), _encoded("original", STORY, 0), _encoded("news", OTHER, 300), _encoded("late", OTHER, 310)]
    run = run_offline("dedup", inputs, settings)
    keys = [record.key or b"" for record in run.handed_on]
    assert sorted(keys) == [b"news", b"original"]  # "late" copies "news"; "mirror" copies "original"
    assert run.per_topic == {"articles.unique": 2, "articles.duplicates": 2}


def test_outputs_are_awaited_by_distinct_key() -> None:
    inputs = [Encoded(b"a", b"1"), Encoded(b"b", b"2"), Encoded(b"a", b"3")]
    assert distinct_keys(inputs) == 2
