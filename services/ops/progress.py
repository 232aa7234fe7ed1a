"""Pacing and progress of a long run over history: a token bucket, and a progress line or periodic log lines.

The line is drawn here rather than by tqdm or rich (both installed): off a terminal the progress must be
structured log lines, not a bar, and on one it must share stderr with the JSON log lines; that is the 20
lines of `Progress`, and it takes its clock as an argument so its tests run without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

import structlog

log = structlog.get_logger("newsflow.progress")

Clock = Callable[[], float]
_CLEAR_LINE = "\x1b[2K"


class TokenBucket:
    """At most `rate` records a second on average, with bursts up to `capacity` records.

    A batch larger than the bucket is let through once the bucket is full and leaves it in debt, so a
    batch never waits forever and the long-run rate still holds.
    """

    def __init__(self, rate: float, capacity: float | None = None, clock: Clock = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError(f"a rate must be positive, not {rate}")
        self.rate = rate
        self.capacity = capacity if capacity is not None else max(1.0, rate)
        self._clock = clock
        self._tokens = self.capacity
        self._updated = clock()

    def reserve(self, records: int) -> float:
        """Take `records` tokens; return how many seconds to wait before handling them (0 when they are there)."""
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        needed = min(float(records), self.capacity)
        wait = max(0.0, (needed - self._tokens) / self.rate)
        self._tokens -= records
        return wait


class Progress:
    """Records done out of a total, with the rate: a redrawn line on a terminal, a log line every few seconds elsewhere."""

    def __init__(
        self,
        label: str,
        total: int,
        *,
        stream: TextIO,
        interactive: bool,
        log_every_s: float = 10.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.records = 0
        self._stream = stream
        self._interactive = interactive
        self._log_every_s = log_every_s
        self._clock = clock
        self._started = clock()
        self._last_log = self._started

    @property
    def rate(self) -> float:
        """Records handled per second since the start."""
        elapsed = self._clock() - self._started
        return self.records / elapsed if elapsed > 0 else 0.0

    def update(self, done: int, records: int) -> None:
        """`done`: positions passed so far (out of `total`); `records`: records handled so far."""
        self.done = done
        self.records = records
        if self._interactive:
            # Clear the line, draw, and go back to its start: a log line written meanwhile overwrites it, the next update redraws it.
            self._stream.write(_CLEAR_LINE + self.line() + "\r")
            self._stream.flush()
        elif self._clock() - self._last_log >= self._log_every_s:
            self._last_log = self._clock()
            self._log("progress")

    def finish(self) -> None:
        if self._interactive:
            self._stream.write(_CLEAR_LINE + self.line() + "\n")
            self._stream.flush()
        else:
            self._log("progress_done")

    def line(self, width: int = 30) -> str:
        share = self.done / self.total if self.total else 1.0
        filled = round(width * min(1.0, share))
        bar = "#" * filled + "-" * (width - filled)
        return f"{self.label} [{bar}] {self.done}/{self.total} ({share:.0%}) {self.records} records, {self.rate:.1f}/s"

    def _log(self, event: str) -> None:
        log.info(event, task=self.label, done=self.done, total=self.total, records=self.records, rate=round(self.rate, 1))
