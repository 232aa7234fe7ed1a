"""Every kind of bad raw input gets its own dead-letter reason from the real clean stage, and the good one still passes."""

from __future__ import annotations

import json

from prometheus_client import CollectorRegistry

from services.article_hooks import ArticleHooks
from services.chassis.envelope import Inbound
from services.chassis.metrics import Metrics
from services.chassis.runner import StageRunner
from services.clean import CleanStage
from services.messages import CleanArticle, DeadLetter, Lineage
from services.topics import Topics

ARTICLE = " ".join(
    ["The harbour board approved the plan to rebuild the northern breakwater after the winter storms."] * 4
    + ["Work starts in March and should take three years, the director said on Tuesday."] * 3
)


def _event(**fields: object) -> bytes:
    return json.dumps({"id": "a", "fetched_at": "2026-11-20T08:00:00Z", **fields}).encode()


CASES: list[tuple[bytes | None, bytes, str]] = [
    (b"k", _event(text=ARTICLE), "clean"),
    (b"k", '{"id": "a", "text": "Caf\u00e9"}'.encode("latin-1"), "not_utf8"),
    (b"k", b'{"id": "a", "text": "cut', "invalid_json"),
    (b"k", _event(text=ARTICLE, fetched_at=["not", "a", "time"]), "wrong_shape"),
    (b"k", _event(title="no body at all"), "missing_body"),
    (b"k", _event(text="x" * 5_000), "payload_too_large"),
    (b"k", _event(html="<html><body><script>track();</script></body></html>"), "scripts_only"),
    (b"k", _event(text="NUL \u0000 inside"), "nul_bytes"),
    (None, _event(text=ARTICLE), "missing_key"),
    (b"", _event(text=ARTICLE), "missing_key"),
    (b"k", _event(text="Home News Sport"), "empty_body"),
]


def test_each_bad_input_has_its_own_reason_and_the_consumer_goes_on() -> None:
    runner = StageRunner(
        CleanStage(),
        Topics(),
        Metrics(CollectorRegistry()),
        max_payload_bytes=4_000,
        require_key=True,
        hooks=ArticleHooks.on(CollectorRegistry()),
    )
    batch = [Inbound(key, value, Lineage(topic="articles.raw", partition=0, offset=n)) for n, (key, value, _) in enumerate(CASES)]
    outbound = runner.run_batch(batch)
    got = [
        "clean" if isinstance(out.value, CleanArticle) else out.value.reason
        for out in outbound
        if isinstance(out.value, CleanArticle | DeadLetter)
    ]
    assert got == [expected for _, _, expected in CASES]
