"""What the in-process state keeps per article and per story, and their JSON lines in the journal."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from services.dedup.decision import Decision, Probe


@dataclass(frozen=True, slots=True)
class Event:
    """One event of an article: its key, and its verdict (a draft with kind and revision while it waits)."""

    key: str
    decision: Decision
    settled: bool


@dataclass(slots=True)
class ArticleRecord:
    """An article id: its story, its latest revision's fingerprints, and every event seen of it."""

    article_id: str
    story: str
    event_time: float  # latest event's fetched_at: the retention runs from it
    origin_time: float  # first event's origin time: a later event of an id still waiting is released after it
    content_hash: str | None
    canonical_url: str | None
    revision: int
    events: tuple[Event, ...]

    def event(self, key: str) -> Event | None:
        return next((event for event in self.events if event.key == key), None)

    @property
    def waiting(self) -> bool:
        return any(not event.settled for event in self.events)


@dataclass(slots=True)
class Story:
    """A cluster of copies: the member with the earliest origin time admitted so far, and once fixed, its representative."""

    representative: str | None
    earliest: tuple[float, str]  # (origin time, id); ties go to the smaller id, so arrival order never matters
    last_time: float  # latest event time of a member: the story is forgotten with its last member

    def admit(self, origin_time: float, article_id: str, event_time: float) -> None:
        self.earliest = min(self.earliest, (origin_time, article_id))
        self.last_time = max(self.last_time, event_time)


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


def article_line(record: ArticleRecord, probe: Probe | None) -> str:
    """The whole record as one line (the last line of an id wins on load); `probe` when it is indexed."""
    signature = (
        None if probe is None or probe.signature is None else base64.b64encode(probe.signature.astype("<u4").tobytes()).decode("ascii")
    )
    return json.dumps(
        {
            "id": record.article_id,
            "st": record.story,
            "t": record.event_time,
            "o": record.origin_time,
            "h": record.content_hash,
            "u": record.canonical_url,
            "r": record.revision,
            "e": [[event.key, decision_to_json(event.decision), event.settled] for event in record.events],
            "i": probe is not None,
            "sig": signature,
            "n": 0 if probe is None else probe.shingles,
            "pt": None if probe is None else probe.event_time,
        },
        separators=(",", ":"),
    )


def story_line(key: str, story: Story) -> str:
    origin, member = story.earliest
    return json.dumps({"story": key, "rep": story.representative, "eo": origin, "ei": member, "l": story.last_time}, separators=(",", ":"))


def record_from_json(data: dict[str, Any]) -> tuple[ArticleRecord, Probe | None]:
    """An article line back into its record, and its indexed probe when it had one."""
    events = tuple(Event(key, decision_from_json(decision), bool(settled)) for key, decision, settled in data["e"])
    record = ArticleRecord(
        article_id=data["id"],
        story=data["st"],
        event_time=float(data["t"]),
        origin_time=float(data["o"]),
        content_hash=data["h"],
        canonical_url=data["u"],
        revision=int(data["r"]),
        events=events,
    )
    if not data["i"]:
        return record, None
    raw_signature = data["sig"]
    signature = None if raw_signature is None else np.frombuffer(base64.b64decode(raw_signature), dtype="<u4").astype(np.uint32)
    probe = Probe(
        article_id=record.article_id,
        event_time=float(data["pt"]),
        origin_time=record.origin_time,
        event_key=events[-1].key,
        content_hash=record.content_hash,
        canonical_url=record.canonical_url,
        signature=signature,
        shingles=int(data["n"]),
    )
    return record, probe


def story_from_json(data: dict[str, Any]) -> tuple[str, Story]:
    return data["story"], Story(representative=data["rep"], earliest=(float(data["eo"]), data["ei"]), last_time=float(data["l"]))
