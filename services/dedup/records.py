"""Verdicts as JSON (the Redis state's values, and the in-process state's later events of an id).

The first event of every id lives in the article columns; the later ones (resends and updates: a
small share of the feed) are `LaterEvent`s in a dict by row, persisted as JSON beside the columns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from services.dedup.decision import Decision


@dataclass(frozen=True, slots=True)
class LaterEvent:
    """A resend or update of an id: its event key's 64-bit hash, and its verdict (a draft while it waits)."""

    key: int
    decision: Decision
    settled: bool


def decision_to_json(decision: Decision) -> dict[str, Any]:
    return {
        "k": decision.kind,
        "d": decision.duplicate_of,
        "c": decision.cluster_id,
        "s": decision.similarity,
        "r": decision.revision,
        "p": decision.previous_hash,
    }


def decision_from_json(data: dict[str, Any]) -> Decision:
    return Decision(
        kind=data["k"],
        duplicate_of=data["d"],
        cluster_id=data["c"],
        similarity=float(data["s"]),
        revision=int(data.get("r", 1)),
        previous_hash=data.get("p"),
    )


def events_to_json(events: list[LaterEvent]) -> str:
    return json.dumps([[str(event.key), decision_to_json(event.decision), event.settled] for event in events], separators=(",", ":"))


def events_from_json(text: str) -> list[LaterEvent]:
    return [LaterEvent(int(key), decision_from_json(decision), bool(settled)) for key, decision, settled in json.loads(text)]
