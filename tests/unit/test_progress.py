"""The token bucket holds the long-run rate and lets any batch through; the progress line and log lines."""

from __future__ import annotations

import io

import pytest
from structlog.testing import capture_logs

from services.ops.progress import Progress, TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_full_bucket_lets_a_burst_through_then_paces() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, clock=clock)
    assert bucket.reserve(10) == 0.0
    assert bucket.reserve(10) == pytest.approx(1.0)
    clock.now += 1.0
    assert bucket.reserve(5) == pytest.approx(0.5), "the second burst's debt was paid by the second it waited"


def test_the_bucket_refills_with_time_up_to_its_capacity() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, capacity=20, clock=clock)
    assert bucket.reserve(20) == 0.0
    clock.now += 60.0
    assert bucket.reserve(20) == 0.0, "a minute idle refills the bucket, no more"
    assert bucket.reserve(1) == pytest.approx(0.1)


def test_a_batch_larger_than_the_bucket_waits_for_a_full_bucket_and_the_rate_holds() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, clock=clock)
    waited = 0.0
    for _ in range(10):
        wait = bucket.reserve(25)
        waited += wait
        clock.now += wait
    # Each batch after the first waits for the bucket to climb from 15 in debt to full: 2.5 s, i.e. 25 records at 10/s.
    assert waited == pytest.approx(9 * 2.5)


def test_the_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(0)


def test_on_a_terminal_progress_redraws_one_line() -> None:
    clock = FakeClock()
    out = io.StringIO()
    progress = Progress("replay", 200, stream=out, interactive=True, clock=clock)
    clock.now += 2.0
    progress.update(50, 40)
    progress.finish()
    text = out.getvalue()
    assert text.startswith("\x1b[2Kreplay [#######")
    assert "records, 20.0/s\r\x1b[2Kreplay" in text, "drawn, back to the line's start, cleared and drawn again"
    assert "50/200 (25%) 40 records, 20.0/s" in text
    assert text.endswith("\n")


def test_elsewhere_progress_logs_every_few_seconds_and_at_the_end() -> None:
    clock = FakeClock()
    out = io.StringIO()
    progress = Progress("replay", 100, stream=out, interactive=False, log_every_s=10.0, clock=clock)
    with capture_logs() as logs:
        clock.now += 1.0
        progress.update(10, 10)  # too soon
        clock.now += 10.0
        progress.update(60, 55)
        progress.finish()
    assert out.getvalue() == ""
    assert [(entry["event"], entry["done"], entry["total"], entry["records"]) for entry in logs] == [
        ("progress", 60, 100, 55),
        ("progress_done", 60, 100, 55),
    ]
    assert logs[0]["rate"] == 5.0
