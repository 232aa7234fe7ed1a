"""The security bench's summary: mean throughput per broker and the share of plaintext throughput security costs."""

from __future__ import annotations

from services.acls import Grant, merged, pipeline_grants
from services.bench.security import render, summarise
from services.topics import Topics


def test_the_cost_is_the_share_of_plaintext_throughput_lost_in_each_round() -> None:
    runs = [
        {"mode": "plaintext", "run": "transport", "articles_per_s": 1000.0},
        {"mode": "sasl_ssl", "run": "transport", "articles_per_s": 700.0},
        {"mode": "plaintext", "run": "transport", "articles_per_s": 1200.0},
        {"mode": "sasl_ssl", "run": "transport", "articles_per_s": 900.0},
        {"mode": "plaintext", "run": "pipeline-2p-eos", "articles_per_s": 40.0},
        {"mode": "sasl_ssl", "run": "pipeline-2p-eos", "articles_per_s": 40.0},
    ]
    rows = summarise(runs)
    assert [row["run"] for row in rows] == ["transport", "pipeline-2p-eos"]
    assert (rows[0]["plaintext"], rows[0]["sasl_ssl"]) == (1100.0, 800.0)
    assert rows[0]["security_cost_per_round"] == [0.3, 0.25]  # each secured run against the plaintext run beside it
    assert rows[1]["security_cost_per_round"] == [0.0]
    assert "| transport | 1,100.0 records/s | 800.0 records/s | 30.0%, 25.0% |" in render(rows)


def test_merged_grants_hold_the_same_bindings_in_fewer_kafka_acls_runs() -> None:
    grants = pipeline_grants(Topics("a."), "a.group") + pipeline_grants(Topics("b."), "b.group")

    def bindings(items: list[Grant]) -> set[tuple[str, str, str, str, bool]]:
        return {(g.principal, g.operation, kind, name, g.prefixed) for g in items for kind, name in g.resources}

    assert bindings(merged(grants)) == bindings(grants)
    assert len(merged(grants)) == 9  # per stage: Read, Write on topics, Write on transactional ids by prefix
