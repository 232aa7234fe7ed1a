"""`newsflow bench` options: which parts run and on how much data."""

from __future__ import annotations

import argparse

import pytest

from services.bench.cli import parse_targets, plan_from
from services.cli import build_parser


def _parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["bench", *argv])


def test_stages_are_taken_in_bench_order_and_unknown_ones_refused() -> None:
    assert parse_targets("pipeline, clean") == ("clean", "pipeline")
    with pytest.raises(ValueError, match="unknown --stages"):
        parse_targets("clean,nope")


def test_default_plan_runs_everything_on_1500_articles() -> None:
    plan = plan_from(_parse())
    assert plan.corpus.articles == 1500
    assert plan.corpus.duplicate_share == 0.2
    assert plan.transport
    assert plan.scaling
    assert plan.targets == ("clean", "dedup", "clean-dedup", "tag", "pipeline")


def test_quick_plan_is_small_and_options_still_win() -> None:
    plan = plan_from(_parse("--quick", "--articles", "120", "--skip-transport", "--stages", "clean"))
    assert plan.corpus.articles == 120
    assert plan.tag_articles == 60
    assert not plan.transport
    assert not plan.scaling
    assert plan.latency_seconds == 5.0
    assert plan.targets == ("clean",)


def test_tag_sample_is_never_larger_than_the_corpus() -> None:
    assert plan_from(_parse("--articles", "50")).tag_articles == 50
