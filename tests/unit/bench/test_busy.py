"""CPU busy shares: how much of a core each stage process used over a run."""

from __future__ import annotations

import os

from services.bench.processes import cpu_seconds, peak_rss_mb
from services.bench.runs import Config, busy_shares


def test_busy_share_is_cpu_seconds_over_the_run_per_process() -> None:
    before = {10: ("tag-0 stage", 1.0), 11: ("tag-0 worker", 2.0)}
    after = {10: ("tag-0 stage", 1.5), 11: ("tag-0 worker", 11.0), 12: ("tag-0 worker", 8.0)}
    assert busy_shares(before, after, 10.0) == {"tag-0 stage": 0.05, "tag-0 worker": 0.9, "tag-0 worker 12": 0.8}


def test_no_time_no_share() -> None:
    assert busy_shares({}, {1: ("x", 3.0)}, 0.0) == {"x": 0.0}


def test_this_process_has_cpu_time_and_a_peak_rss_and_a_gone_one_has_none() -> None:
    assert (cpu_seconds(os.getpid()) or 0) > 0
    assert (peak_rss_mb(os.getpid()) or 0) > 1
    assert cpu_seconds(2**22 + 1) is None
    assert peak_rss_mb(2**22 + 1) is None


def test_config_labels_name_target_processes_and_delivery() -> None:
    assert Config("tag", 2).label == "tag-2p-eos"
    assert Config("clean", 1, "at-least-once").label == "clean-1p-alo"
    assert Config("pipeline", 2).input_stage() == "clean"
    assert Config("clean-dedup").input_stage() == "clean"
