"""The runner gives one message per consumed record: routed by type, stamped, or dead-lettered with a reason."""

from __future__ import annotations

import base64
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
    _runner(RawAsClean(), registry).run_batch([_inbound(_event("a"), 1), _inbound(b"\xff", 2)])
    assert registry.get_sample_value("newsflow_messages_consumed_total", {"stage": "clean"}) == 2
    assert registry.get_sample_value("newsflow_messages_produced_total", {"stage": "clean", "topic": "t.articles.clean"}) == 1
    assert registry.get_sample_value("newsflow_dead_letters_total", {"stage": "clean", "reason": "not_utf8"}) == 1
