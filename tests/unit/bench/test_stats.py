"""Percentiles, ratios and costs as the bench report uses them."""

from __future__ import annotations

import math

import pytest

from services.bench.stats import cost, latency_summary, percentile, rate, ratio


def test_percentile_interpolates_between_closest_ranks_like_numpy() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    assert percentile(values, 50) == pytest.approx(5.5)
    assert percentile(values, 95) == pytest.approx(9.55)
    assert percentile(values, 99) == pytest.approx(9.91)
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 10.0


def test_percentile_of_one_value_and_of_none() -> None:
    assert percentile([0.3], 99) == 0.3
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], 101)


def test_percentile_does_not_depend_on_order() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


def test_latency_summary_is_in_milliseconds_and_empty_gives_none() -> None:
    summary = latency_summary([0.1, 0.2, 0.3])
    assert summary == {"samples": 3.0, "p50_ms": 200.0, "p95_ms": 290.0, "p99_ms": 298.0, "max_ms": 300.0}
    assert latency_summary([])["p99_ms"] is None


def test_ratio_and_cost() -> None:
    assert ratio(90.0, 100.0) == pytest.approx(0.9)
    assert ratio(None, 100.0) is None
    assert ratio(5.0, 0.0) is None
    assert ratio(5.0, None) is None
    assert cost(100.0, 75.0) == pytest.approx(0.25)
    assert cost(None, 1.0) is None
    assert rate(10, 2) == 5
    assert rate(10, 0) == 0.0
