"""Library log records: JSON like newsflow's own, and repeats of one message coalesced into one line with a count."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from services.chassis.logs import Coalesce, configure_logging


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("aiokafka.conn", logging.ERROR, __file__, 1, message, args, None)


def test_repeats_within_the_interval_are_dropped_and_the_next_one_says_how_many() -> None:
    clock = Clock()
    coalesce = Coalesce(30.0, clock)
    passed = []
    for second in range(100):  # a reconnect error every 0.3 s for 30 s, as while a broker is away
        clock.now = second * 0.3
        record = _record("Unable connect to node with id %s: %s", second % 3, "refused")
        if coalesce.filter(record):
            passed.append(record)
    clock.now = 31.0
    after = _record("Unable connect to node with id %s: %s", 1, "refused")
    assert coalesce.filter(after)
    assert len(passed) == 1
    assert after.repeated == 99  # type: ignore[attr-defined]


def test_different_messages_are_not_coalesced_together() -> None:
    coalesce = Coalesce(30.0, Clock())
    assert coalesce.filter(_record("Unable connect to node %s", 1))
    assert coalesce.filter(_record("Heartbeat failed: %s", "x"))


@pytest.fixture
def restored_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers, root.level = handlers, level


def test_library_records_come_out_as_json_lines(restored_root: None, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    configure_logging("json", "info", coalesce_s=30.0)
    for _ in range(5):
        logging.getLogger("aiokafka.conn").error("Unable connect to node with id %s: %s", 1, "refused")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["event"] == "Unable connect to node with id 1: refused"
    assert entry["level"] == "error"
    assert entry["logger"] == "aiokafka.conn"
