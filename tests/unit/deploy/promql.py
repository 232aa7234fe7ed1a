"""Metric names in PromQL, and the names newsflow really exports, so dashboards and rules can be checked against them."""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry

from services.article_hooks import ArticleMetrics, fingerprints_gauge, held_gauge
from services.chassis.metrics import Metrics

# The series a family of each type puts in Prometheus (prometheus_client names counters without `_total`).
_SERIES_SUFFIXES: dict[str, tuple[str, ...]] = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("", "_sum", "_count", "_created"),
    "info": ("_info",),
    "stateset": ("",),
    "gaugehistogram": ("_bucket", "_gsum", "_gcount"),
    "unknown": ("",),
}

# Series Prometheus makes itself for every target, not exported by the service.
PROMETHEUS_SERIES = frozenset({"up"})

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$\w+")  # Grafana's $__rate_interval, ${datasource}
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_NUMBER = re.compile(r"(?<![\w:])[0-9][0-9A-Za-z_.]*")  # 0.95, 1e3 and durations such as 5m
_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
_KEYWORDS = frozenset(
    {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "inf", "nan"}
)
_LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(?P<series>.*?)\s*,\s*\w+\s*\)\s*$", re.DOTALL)


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects: identifiers that are not functions, keywords, labels or literals."""
    text = _STRING.sub(" ", expr)
    text = _VARIABLE.sub(" ", text)
    text = _MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    names: set[str] = set()
    for match in _IDENTIFIER.finditer(text):
        name = match.group()
        if name.lower() in _KEYWORDS or text[match.end() :].lstrip().startswith("("):
            continue  # a keyword, or a function / aggregation being called
        names.add(name)
    return names


def template_query_metric_names(query: str) -> set[str]:
    """Metric names in a Grafana Prometheus variable query: `label_values(series, label)` or plain PromQL."""
    match = _LABEL_VALUES.match(query)
    return metric_names(match.group("series") if match else query)


def exported_metric_names() -> frozenset[str]:
    """Every series name the service exports, from its own metric declarations on a fresh registry."""
    registry = CollectorRegistry()
    Metrics(registry)
    ArticleMetrics(registry)
    fingerprints_gauge(registry)
    held_gauge(registry)
    names: set[str] = set()
    for family in registry.collect():
        names.update(sample.name for sample in family.samples)  # what is there before any label is used
        names.update(family.name + suffix for suffix in _SERIES_SUFFIXES[family.type])
    return frozenset(names)
