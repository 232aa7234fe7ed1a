"""Where a replay starts and stops: positions as the user names them, and the offsets they resolve to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from services.chassis.history import Span

__all__ = ["BEGINNING", "END", "Position", "Span", "parse_position", "plan_metadata", "resolve", "stop_from_metadata"]


@dataclass(frozen=True)
class Position:
    """`beginning`, `end`, one offset in every partition, or the first record at or after a time."""

    kind: str  # "beginning" | "end" | "offset" | "time"
    offset: int = 0
    time: datetime | None = None

    def timestamp_ms(self) -> int:
        if self.time is None:
            raise ValueError(f"a {self.kind} position has no time")
        return int(self.time.timestamp() * 1000)


BEGINNING = Position("beginning")
END = Position("end")


def parse_position(text: str) -> Position:
    """`beginning`/`earliest`, `end`/`latest`, a non-negative integer offset, or an ISO 8601 time (UTC when it has no zone)."""
    value = text.strip()
    if value.lower() in ("beginning", "earliest"):
        return BEGINNING
    if value.lower() in ("end", "latest"):
        return END
    if value.isdigit():
        return Position("offset", offset=int(value))
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith(("Z", "z")) else value)
    except ValueError:
        raise ValueError(f"not a position: {text!r} (use beginning, end, an offset such as 1234, or an ISO time)") from None
    return Position("time", time=moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def resolve(position: Position, beginning: int, end: int, at_time: int | None) -> int:
    """The offset a position means in one partition, within [beginning, end].

    `at_time` is the partition's first offset whose timestamp is at or after the position's time
    (None when no record is that late), as Kafka's offsets-for-times answers.
    """
    if position.kind == "beginning":
        offset = beginning
    elif position.kind == "end":
        offset = end
    elif position.kind == "offset":
        offset = position.offset
    else:
        offset = end if at_time is None else at_time
    return max(beginning, min(offset, end))


def plan_metadata(span: Span) -> str:
    """What a committed replay offset carries, so `--resume` keeps the first run's bounds."""
    return json.dumps({"stop": span.stop}, separators=(",", ":"))


def stop_from_metadata(metadata: str) -> int:
    try:
        stop = json.loads(metadata)["stop"]
    except (ValueError, KeyError, TypeError):
        stop = None
    if not isinstance(stop, int):
        raise ValueError(f"committed offset metadata {metadata!r} is not a replay plan")  # noqa: TRY004 - bad data, not a bad argument type
    return stop
