"""A plain dict-based dedup store, written for clarity, not memory or speed: the columnar state must decide as it does.

Matching is brute force over every indexed article in the window (a candidate shares all values of at
least one band, compared on the top 16 bits the columnar state keeps), so it also checks the chains.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from services.dedup.decision import Admission, Decision, MatchPolicy, Probe

Stored = npt.NDArray[np.uint32]  # the top 16 bits of each value, as the columnar state keeps them


@dataclass
class _Entry:
    signature: Stored | None
    shingles: int
    time: float
    order: int


@dataclass
class _Record:
    article_id: str
    story: int
    origin: float
    content_hash: str | None
    url: str | None
    revision: int = 1
    events: list[tuple[str, Decision, bool]] = field(default_factory=list)
    entry: _Entry | None = None

    @property
    def waiting(self) -> bool:
        return any(not settled for _, _, settled in self.events)


@dataclass
class _Story:
    earliest: tuple[float, str, int]  # origin, id, record number
    last: float
    members: list[int]
    representative: int | None = None


class ReferenceStore:
    def __init__(self) -> None:
        self.records: list[_Record] = []
        self.live: dict[str, int] = {}
        self.stories: list[_Story] = []
        self.watermark = float("-inf")
        self.order = 0

    @property
    def ready(self) -> bool:
        return True

    def flush(self) -> None:
        """Nothing to persist."""

    def close(self) -> None:
        """Nothing to release."""

    def admit(self, probes: list[Probe], policy: MatchPolicy) -> list[Admission]:
        return [self._admit(probe, policy) for probe in probes]

    def settle(self, events: list[tuple[str, str]], policy: MatchPolicy) -> list[Decision]:
        return [self._settle(article_id, key, policy) for article_id, key in events]

    def _retained(self, number: int, policy: MatchPolicy) -> bool:
        story = self.stories[self.records[number].story]
        horizon = self.watermark - max(policy.decision_retention_seconds, policy.window_seconds)
        return story.last >= horizon or any(self.records[member].waiting for member in story.members)

    def _find(self, article_id: str, policy: MatchPolicy) -> int | None:
        number = self.live.get(article_id)
        return number if number is not None and self._retained(number, policy) else None

    def _usable(self, record: _Record, probe: Probe, policy: MatchPolicy) -> bool:
        entry = record.entry
        return self._in_window(record, policy) and entry is not None and abs(entry.time - probe.event_time) <= policy.window_seconds

    def _in_window(self, record: _Record, policy: MatchPolicy) -> bool:
        return record.entry is not None and record.entry.time >= self.watermark - policy.window_seconds

    def _admit(self, probe: Probe, policy: MatchPolicy) -> Admission:
        number = self._find(probe.article_id, policy)
        if number is not None:
            record = self.records[number]
            for key, decision, settled in record.events:
                if key == probe.event_key:
                    return Admission(decision if settled else None, record.origin)
            return self._again(number, probe, policy)
        self.watermark = max(self.watermark, probe.event_time)
        match = self._match(probe, policy)
        number = len(self.records)
        if match is None:
            story = len(self.stories)
            self.stories.append(_Story((probe.origin_time, probe.article_id, number), probe.event_time, []))
            draft = Decision("unique", None, "", 0.0)
        else:
            story = self.records[match[0]].story
            found = self.stories[story]
            found.earliest = min(found.earliest, (probe.origin_time, probe.article_id, number))
            found.last = max(found.last, probe.event_time)
            draft = Decision(match[1], None, "", match[2])  # type: ignore[arg-type]
        self.stories[story].members.append(number)
        record = _Record(probe.article_id, story, probe.origin_time, probe.content_hash, probe.canonical_url)
        record.events.append((probe.event_key, draft, False))
        if match is None or policy.index_duplicates:
            record.entry = self._entry(probe)
        self.records.append(record)
        self.live[probe.article_id] = number
        return Admission(None, probe.origin_time)

    def _entry(self, probe: Probe) -> _Entry:
        self.order += 1
        signature = None if probe.signature is None else probe.signature >> np.uint32(16)
        return _Entry(signature, probe.shingles, probe.event_time, self.order)

    def _again(self, number: int, probe: Probe, policy: MatchPolicy) -> Admission:
        record = self.records[number]
        self.watermark = max(self.watermark, probe.event_time)
        if probe.content_hash == record.content_hash:
            draft = Decision("resend", None, "", 1.0, revision=record.revision)
        else:
            draft = Decision("update", None, "", 0.0, revision=record.revision + 1, previous_hash=record.content_hash)
            record.revision += 1
            record.content_hash, record.url = probe.content_hash, probe.canonical_url
            if self._in_window(record, policy):
                record.entry = self._entry(probe)
        story = self.stories[record.story]
        story.last = max(story.last, probe.event_time)
        waiting = record.waiting
        record.events.append((probe.event_key, draft, False))
        if waiting:
            return Admission(None, record.origin)
        return Admission(self._settle_at(number, len(record.events) - 1, policy), record.origin)

    def _match(self, probe: Probe, policy: MatchPolicy) -> tuple[int, str, float] | None:
        usable = [(self.records[n].entry.order, n) for n in self.live.values() if self._usable(self.records[n], probe, policy)]  # type: ignore[union-attr]
        usable.sort()
        for _, number in usable:
            if probe.content_hash is not None and self.records[number].content_hash == probe.content_hash:
                return number, "exact", 1.0
        for _, number in usable:
            if probe.canonical_url is not None and self.records[number].url == probe.canonical_url:
                entry = self.records[number].entry
                return number, "url", self._similarity(self._entry_of(probe), entry, policy)
        mine = self._entry_of(probe)
        if mine.signature is None:
            return None
        best: tuple[float, int] | None = None
        for _, number in usable:
            theirs = self.records[number].entry
            if theirs is None or theirs.signature is None or not _shares_a_band(mine.signature, theirs.signature, policy):
                continue
            score = policy.score(mine.signature, mine.shingles, theirs.signature, theirs.shingles)
            if score is not None and (best is None or score > best[0]):
                best = (score, number)
        return None if best is None else (best[1], "near", best[0])

    def _entry_of(self, probe: Probe) -> _Entry:
        signature = None if probe.signature is None else probe.signature >> np.uint32(16)
        return _Entry(signature, probe.shingles, probe.event_time, -1)

    def _similarity(self, mine: _Entry | None, theirs: _Entry | None, policy: MatchPolicy) -> float:
        if mine is None or theirs is None or mine.signature is None or theirs.signature is None:
            return 0.0
        score = policy.score(mine.signature, mine.shingles, theirs.signature, theirs.shingles)
        return score if score is not None else float((mine.signature == theirs.signature).mean())

    def _settle(self, article_id: str, key: str, policy: MatchPolicy) -> Decision:
        number = self._find(article_id, policy)
        if number is None:
            raise KeyError(article_id)
        position = next(index for index, event in enumerate(self.records[number].events) if event[0] == key)
        return self._settle_at(number, position, policy)

    def _settle_at(self, number: int, position: int, policy: MatchPolicy) -> Decision:
        record = self.records[number]
        key, draft, settled = record.events[position]
        if settled:
            return draft
        story = self.stories[record.story]
        if story.representative is None:
            story.representative = story.earliest[2]
        representative = self.records[story.representative]
        named = representative.article_id
        if draft.kind in ("resend", "update"):
            own = draft.kind == "update" and story.representative == number
            decision = replace(draft, duplicate_of=None if own else named, cluster_id=named)
        elif story.representative == number:
            decision = Decision.unique(record.article_id)
        else:
            decision = self._copy_of(record, representative, draft, policy)
        record.events[position] = (key, decision, True)
        return decision

    def _copy_of(self, record: _Record, representative: _Record, draft: Decision, policy: MatchPolicy) -> Decision:
        mine = record.entry if self._in_window(record, policy) else None
        theirs = representative.entry if self._in_window(representative, policy) else None
        kind, score = draft.kind, draft.similarity
        if record.content_hash is not None and record.content_hash == representative.content_hash:
            kind, score = "exact", 1.0
        elif record.url is not None and record.url == representative.url:
            kind = "url"
            if mine is not None and theirs is not None:
                score = self._similarity(mine, theirs, policy)
        elif mine is not None and theirs is not None and mine.signature is not None and theirs.signature is not None:
            kind, score = "near", self._similarity(mine, theirs, policy)
        elif kind == "exact":
            kind = "near"
        named = representative.article_id
        return Decision(kind=kind, duplicate_of=named, cluster_id=named, similarity=score)


def _shares_a_band(left: Stored, right: Stored, policy: MatchPolicy) -> bool:
    same = (left == right).reshape(policy.bands, policy.rows)
    return bool(same.all(axis=1).any())
