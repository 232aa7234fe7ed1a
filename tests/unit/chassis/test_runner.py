"""The runner gives one message per consumed record: routed by type, stamped, or dead-lettered with a reason."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry
from pydantic import BaseModel

from services.article_hooks import ArticleHooks
from services.chassis.envelope import Inbound
from services.chassis.metrics import Metrics
from services.chassis.runner import StageRunner
from services.messages import CleanArticle, DeadLetter, Lineage, RawArticle
from services.passthrough import RawAsClean
from services.stage import Rejection
from services.topics import Topics

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _inbound(value: bytes, offset: int, key: bytes | None = None) -> Inbound:
    return Inbound(key, value, Lineage(topic="t.articles.raw", partition=1, offset=offset))


def _event(event_id: str, text: str = "Body text of the article.") -> bytes:
    return json.dumps({"id": event_id, "fetched_at": "2026-11-20T08:00:00Z", "text": text}).encode()


def _runner(stage: object, registry: CollectorRegistry | None = None) -> StageRunner:
    metrics = Metrics(registry or CollectorRegistry())
    hooks = ArticleHooks.on(metrics.registry)
    return StageRunner(stage, Topics("t."), metrics, max_payload_bytes=10_000, clock=lambda: NOW, hooks=hooks)  # type: ignore[arg-type]


class Explodes:
    """A stage that fails on one poisoned record and works on the rest."""

    name = "clean"
    input_model = RawArticle

    def process(self, batch: Sequence[RawArticle]) -> list[BaseModel | Rejection]:
        if any(raw.id == "poison" for raw in batch):
            raise RuntimeError("cannot handle this one")
        return RawAsClean().process(batch)


def test_outputs_keep_input_order_and_carry_lineage_and_stage_time() -> None:
    outbound = _runner(RawAsClean()).run_batch([_inbound(_event("a"), 5), _inbound(b"{nope", 6), _inbound(_event("b"), 7)])
    assert [out.topic for out in outbound] == ["t.articles.clean", "t.articles.dlq", "t.articles.clean"]
    first = outbound[0].value
    assert isinstance(first, CleanArticle)
    assert outbound[0].key == "a"
    assert first.lineage == Lineage(topic="t.articles.raw", partition=1, offset=5)
    assert first.stage_times == {"clean": NOW}


def test_a_dead_letter_carries_the_original_bytes_and_where_they_came_from() -> None:
    [out] = _runner(RawAsClean()).run_batch([_inbound(b"{nope", 42, key=b"k1")])
    letter = out.value
    assert isinstance(letter, DeadLetter)
    assert (letter.stage, letter.reason) == ("clean", "invalid_json")
    assert base64.b64decode(letter.original_value) == b"{nope"
    assert base64.b64decode(letter.original_key or "") == b"k1"
    assert letter.lineage.offset == 42
    assert out.key == "k1"


def test_a_rejection_by_the_stage_is_dead_lettered_with_the_article_id() -> None:
    html_only = json.dumps({"id": "h1", "fetched_at": "2026-11-20T08:00:00Z", "html": "<p>x</p>"}).encode()
    [out] = _runner(RawAsClean()).run_batch([_inbound(html_only, 1)])
    assert isinstance(out.value, DeadLetter)
    assert out.value.reason == "missing_text"
    assert out.value.article_id == "h1"
    assert out.key == "h1"


def test_a_record_that_makes_the_stage_raise_is_isolated_and_the_rest_go_through() -> None:
    outbound = _runner(Explodes()).run_batch([_inbound(_event("a"), 1), _inbound(_event("poison"), 2), _inbound(_event("c"), 3)])
    assert [type(out.value).__name__ for out in outbound] == ["CleanArticle", "DeadLetter", "CleanArticle"]
    letter = outbound[1].value
    assert isinstance(letter, DeadLetter)
    assert letter.reason == "processing_error"
    assert "cannot handle this one" in letter.detail
    assert "after 3 attempts" in letter.detail


class FlakyOnce:
    """A stage whose first call for a record fails, as when a shared store is briefly away."""

    name = "clean"
    input_model = RawArticle

    def __init__(self) -> None:
        self.calls = 0

    def process(self, batch: Sequence[RawArticle]) -> list[BaseModel | Rejection]:
        self.calls += 1
        if self.calls <= 2:
            raise ConnectionError("store unavailable")
        return RawAsClean().process(batch)


def test_a_transient_failure_is_retried_and_the_record_goes_through() -> None:
    [out] = _runner(FlakyOnce()).run_batch([_inbound(_event("a"), 1)])
    assert isinstance(out.value, CleanArticle)


def test_a_keyed_stage_dead_letters_records_without_a_key() -> None:
    runner = StageRunner(RawAsClean(), Topics(), Metrics(CollectorRegistry()), 10_000, require_key=True)
    outbound = runner.run_batch([_inbound(_event("a"), 1, key=b""), _inbound(_event("b"), 2, key=b"b")])
    assert isinstance(outbound[0].value, DeadLetter)
    assert outbound[0].value.reason == "missing_key"
    assert isinstance(outbound[1].value, CleanArticle)


def test_metrics_count_consumed_produced_and_dead_letters() -> None:
    registry = CollectorRegistry()
    runner = _runner(RawAsClean(), registry)
    batch = [_inbound(_event("a"), 1), _inbound(b"\xff", 2)]
    runner.confirm(batch, runner.run_batch(batch))
    assert registry.get_sample_value("newsflow_messages_consumed_total", {"stage": "clean"}) == 2
    assert registry.get_sample_value("newsflow_messages_produced_total", {"stage": "clean", "topic": "t.articles.clean"}) == 1
    assert registry.get_sample_value("newsflow_dead_letters_total", {"stage": "clean", "reason": "not_utf8"}) == 1


def test_a_batch_made_again_after_a_failed_delivery_is_counted_once_when_delivered() -> None:
    registry = CollectorRegistry()
    runner = _runner(RawAsClean(), registry)
    batch = [_inbound(_event("a"), 1), _inbound(b"\xff", 2)]
    runner.run_batch(batch)  # delivery failed: nothing counted
    runner.run_batch(batch)
    assert registry.get_sample_value("newsflow_dead_letters_total", {"stage": "clean", "reason": "not_utf8"}) is None
    runner.confirm(batch, runner.run_batch(batch))
    assert registry.get_sample_value("newsflow_messages_consumed_total", {"stage": "clean"}) == 2
    assert registry.get_sample_value("newsflow_dead_letters_total", {"stage": "clean", "reason": "not_utf8"}) == 1


def test_a_dead_letter_of_a_value_over_the_limit_carries_its_head_its_size_and_its_hash() -> None:
    value = _event("big", "x" * 30_000)
    [out] = _runner(RawAsClean()).run_batch([_inbound(value, 9, key=b"big")])
    letter = out.value
    assert isinstance(letter, DeadLetter)
    assert letter.reason == "payload_too_large"
    assert letter.original_size == len(value)
    assert letter.original_sha256 == hashlib.sha256(value).hexdigest()
    assert letter.original_truncated
    assert base64.b64decode(letter.original_value) == value[:10_000]
    assert len(out.encoded()) < 15_000, "the letter stays near the payload limit, whatever the size of the original"


def test_a_small_rejected_value_is_carried_whole() -> None:
    [out] = _runner(RawAsClean()).run_batch([_inbound(b"{nope", 3)])
    assert isinstance(out.value, DeadLetter)
    assert out.value.original_size == 5
    assert not out.value.original_truncated


def test_a_record_that_fails_validation_keeps_its_id_in_the_dead_letter() -> None:
    [out] = _runner(RawAsClean()).run_batch([_inbound(json.dumps({"id": "missing-fields", "title": "x"}).encode(), 4)])
    assert isinstance(out.value, DeadLetter)
    assert out.value.reason == "wrong_shape"
    assert out.value.article_id == "missing-fields"
    assert out.key == "missing-fields"


class Inflates:
    """A stage whose output for one record is far larger than its input."""

    name = "clean"
    input_model = RawArticle

    def process(self, batch: Sequence[RawArticle]) -> list[BaseModel | Rejection]:
        results = RawAsClean().process(batch)
        return [r.model_copy(update={"body": r.body * 1000}) if isinstance(r, CleanArticle) and r.id == "big" else r for r in results]


def test_an_output_over_the_message_limit_becomes_a_dead_letter_for_its_input_and_the_rest_go_on() -> None:
    metrics = Metrics(CollectorRegistry())
    runner = StageRunner(Inflates(), Topics("t."), metrics, 10_000, max_message_bytes=20_000, hooks=ArticleHooks.on(metrics.registry))
    source = _event("big")
    outbound = runner.run_batch([_inbound(_event("a"), 1), _inbound(source, 2), _inbound(_event("c"), 3)])
    assert [type(out.value).__name__ for out in outbound] == ["CleanArticle", "DeadLetter", "CleanArticle"]
    letter = outbound[1].value
    assert isinstance(letter, DeadLetter)
    assert letter.reason == "output_too_large"
    assert "t.articles.clean" in letter.detail
    assert base64.b64decode(letter.original_value) == source
    assert letter.article_id == "big"
