"""The arithmetic of the report: rates, percentiles, ratios and speedups (pure)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), numpy's linear interpolation between closest ranks; NaN for no values."""
    if not 0 <= q <= 100:
        raise ValueError("a percentile is between 0 and 100")
    if not values:
        return math.nan
    return float(numpy.percentile(values, q))


def latency_summary(seconds: Sequence[float]) -> dict[str, float | None]:
    """p50/p95/p99/max in milliseconds, and how many samples (None for no samples: JSON has no NaN)."""
    if not seconds:
        return {"samples": 0.0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "samples": float(len(seconds)),
        "p50_ms": round(percentile(seconds, 50) * 1000, 1),
        "p95_ms": round(percentile(seconds, 95) * 1000, 1),
        "p99_ms": round(percentile(seconds, 99) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
    }


def rate(count: float, seconds: float) -> float:
    """count per second; 0 when no time passed."""
    return count / seconds if seconds > 0 else 0.0


def ratio(measured: float | None, limit: float | None) -> float | None:
    """measured / limit; None when either is unknown or the limit is zero."""
    if measured is None or limit is None or limit <= 0 or math.isnan(measured) or math.isnan(limit):
        return None
    return measured / limit


def cost(faster: float | None, slower: float | None) -> float | None:
    """How much slower, as a fraction of the faster figure: 1 - slower / faster (0.25 = a quarter of the throughput lost)."""
    share = ratio(slower, faster)
    return None if share is None else 1 - share
