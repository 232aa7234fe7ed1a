"""The PromQL metric-name reader the dashboard and rule tests rely on, and the exported-name set it is checked against."""

from __future__ import annotations

import pytest

from tests.unit.deploy.promql import exported_metric_names, metric_names, template_query_metric_names


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("sum by (stage) (rate(newsflow_messages_consumed_total[$__rate_interval]))", {"newsflow_messages_consumed_total"}),
        (
            'histogram_quantile(0.95, sum by (le) (rate(newsflow_event_freshness_seconds_bucket{stage="tag", reference=~"f."}[5m]))) > 300',
            {"newsflow_event_freshness_seconds_bucket"},
        ),
        (
            "sum(rate(newsflow_duplicates_total[5m])) / ignoring(kind) group_left sum(rate(newsflow_messages_produced_total[5m])) * 1e2",
            {"newsflow_duplicates_total", "newsflow_messages_produced_total"},
        ),
        ('absent(up{job="newsflow-clean"} == 1) unless on (stage) x offset 5m', {"up", "x"}),
        ('max(newsflow_in_flight_records{stage="${stage}"}) and bool vector(0)', {"newsflow_in_flight_records"}),
    ],
)
def test_metric_names_finds_only_the_series_selected(expr: str, names: set[str]) -> None:
    assert metric_names(expr) == names


def test_a_template_variable_query_names_its_series() -> None:
    assert template_query_metric_names("label_values(newsflow_messages_consumed_total, stage)") == {"newsflow_messages_consumed_total"}


def test_the_exported_names_include_every_series_variant() -> None:
    names = exported_metric_names()
    assert {"newsflow_messages_consumed_total", "newsflow_messages_consumed_created"} <= names
    assert {f"newsflow_batch_duration_seconds{suffix}" for suffix in ("_bucket", "_sum", "_count", "_created")} <= names
    assert {"newsflow_consumer_lag_records", "newsflow_dedup_state_fingerprints"} <= names
    assert "newsflow_batch_duration_seconds" not in names  # a histogram has no series under its bare name


def test_a_renamed_metric_is_not_exported() -> None:
    assert metric_names("rate(newsflow_messages_consumed[5m])") - exported_metric_names() == {"newsflow_messages_consumed"}
