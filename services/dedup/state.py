"""In-process dedup state: every article id's events and verdicts, the stories, and the fingerprints of the window."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from services.dedup.decision import Admission, Decision, MatchPolicy, Probe
from services.dedup.journal import Journal
from services.dedup.matching import FingerprintIndex, similarity
from services.dedup.records import (
    ArticleRecord,
    Event,
    Story,
    article_line,
    record_from_json,
    story_from_json,
    story_line,
)

# The verdict of a first event before it is settled: only its revision is known.
_FIRST = Decision(kind="unique", duplicate_of=None, cluster_id="", similarity=0.0)


class DedupState:
    """Decisions, stories and fingerprints held in this process, optionally persisted to a file.

    `admit` and `settle` are atomic under a lock, so stages in several threads may share one state.
    """

    def __init__(self, journal: Journal | None = None) -> None:
        self._journal = journal
        self._lock = threading.Lock()
        self._records: dict[str, ArticleRecord] = {}
        self._stories: dict[str, Story] = {}
        self._decision_expiry: list[tuple[float, str]] = []
        self._index = FingerprintIndex()
        self._watermark = float("-inf")
        self._dirty_ids: set[str] = set()
        self._dirty_stories: set[str] = set()
        self._changes = 0
        self._closed = False

    @classmethod
    def open(cls, path: Path | None, *, flush_every: int = 256, read_only: bool = False) -> DedupState:
        """A state persisted at `path` (loaded if the file exists), or a memory-only one for None.

        Changes are flushed to a journal every `flush_every` admitted events: a kill -9 loses at most that many.
        `read_only` loads the files and never writes them (a replay reading the running service's decisions).
        """
        if path is None:
            return cls()
        journal = Journal(path, flush_every=flush_every)
        state = cls(None if read_only else journal)
        for line in journal.load():
            if "story" in line:
                key, story = story_from_json(line)
                state._stories[key] = story
            else:
                record, probe = record_from_json(line)
                state._restore(record, probe)
        return state

    @property
    def ready(self) -> bool:
        return not self._closed

    @property
    def fingerprints(self) -> int:
        """Fingerprints in the window (the index's size)."""
        return len(self._index)

    @property
    def decisions(self) -> int:
        """Article ids whose verdicts are retained for replays."""
        return len(self._records)

    @property
    def journal(self) -> Journal | None:
        return self._journal

    def admit(self, probes: list[Probe], policy: MatchPolicy) -> list[Admission]:
        with self._lock:
            if self._closed:
                raise RuntimeError("the dedup state is closed")
            admissions = []
            for probe in probes:
                admissions.append(self._admit_one(probe, policy))
                self._maybe_flush()
            return admissions

    def settle(self, events: list[tuple[str, str]], policy: MatchPolicy) -> list[Decision]:
        with self._lock:
            if self._closed:
                raise RuntimeError("the dedup state is closed")
            return [self._settle_one(article_id, key, policy) for article_id, key in events]

    def flush(self) -> None:
        """Make every change so far durable (call before committing consumer offsets)."""
        with self._lock:
            self._write_changes()

    def compact(self) -> None:
        """Fold the journal into a fresh snapshot now."""
        with self._lock:
            if self._journal is not None:
                self._write_changes()
                self._journal.compact(self._lines())

    def close(self) -> None:
        """Write a snapshot (atomically) when persisted, then refuse further decisions."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._journal is not None:
                self._journal.compact(self._lines())

    # -- arrival ------------------------------------------------------------------------------------------

    def _admit_one(self, probe: Probe, policy: MatchPolicy) -> Admission:
        record = self._records.get(probe.article_id)
        if record is not None:
            known = record.event(probe.event_key)
            if known is not None:  # a redelivery or replay: the same verdict, or still waiting
                return Admission(known.decision if known.settled else None, record.origin_time)
            return self._admit_again(record, probe, policy)
        self._advance(probe.event_time, policy)
        match = self._index.match(probe, policy)
        story_key = probe.article_id if match is None else match.story
        story = self._stories.get(story_key)
        if story is None:
            story = self._stories[story_key] = Story(None, (probe.origin_time, probe.article_id), probe.event_time)
        story.admit(probe.origin_time, probe.article_id, probe.event_time)
        draft = _FIRST if match is None else replace(_FIRST, kind=match.kind, similarity=match.similarity)
        record = ArticleRecord(
            article_id=probe.article_id,
            story=story_key,
            event_time=probe.event_time,
            origin_time=probe.origin_time,
            content_hash=probe.content_hash,
            canonical_url=probe.canonical_url,
            revision=1,
            events=(Event(probe.event_key, draft, settled=False),),
        )
        self._records[probe.article_id] = record
        heapq.heappush(self._decision_expiry, (probe.event_time, probe.article_id))
        if match is None or policy.index_duplicates:
            self._index.add(probe, story_key, policy)
        self._touch(record, story_key)
        return Admission(None, probe.origin_time)

    def _admit_again(self, record: ArticleRecord, probe: Probe, policy: MatchPolicy) -> Admission:
        """A new event of a known id: a resend (same body) or an update (changed body, next revision)."""
        self._advance(probe.event_time, policy)
        if probe.content_hash == record.content_hash:
            draft = Decision(kind="resend", duplicate_of=None, cluster_id="", similarity=1.0, revision=record.revision)
        else:
            draft = Decision(kind="update", duplicate_of=None, cluster_id="", similarity=0.0, revision=record.revision + 1)
            draft = replace(draft, previous_hash=record.content_hash)
            record.revision += 1
            record.content_hash, record.canonical_url = probe.content_hash, probe.canonical_url
            if probe.article_id in self._index:
                self._index.add(probe, record.story, policy)  # later copies are matched against the corrected text
        record.event_time = max(record.event_time, probe.event_time)
        heapq.heappush(self._decision_expiry, (record.event_time, record.article_id))
        waiting = record.waiting
        event = Event(probe.event_key, draft, settled=False)
        record.events = (*record.events, event)
        if not waiting:  # the id's story is settled: this event is decided now
            event = self._settle_event(record, event, policy)
        self._touch(record, record.story)
        return Admission(event.decision if event.settled else None, record.origin_time)

    # -- settling -----------------------------------------------------------------------------------------

    def _settle_one(self, article_id: str, key: str, policy: MatchPolicy) -> Decision:
        record = self._records.get(article_id)
        event = record.event(key) if record is not None else None
        if record is None or event is None:
            raise KeyError(f"no waiting event {key!r} of article {article_id!r} in the dedup state")
        if event.settled:
            return event.decision
        settled = self._settle_event(record, event, policy)
        self._touch(record, record.story)
        return settled.decision

    def _settle_event(self, record: ArticleRecord, event: Event, policy: MatchPolicy) -> Event:
        story = self._stories[record.story]
        if story.representative is None:
            story.representative = story.earliest[1]  # the first settled member fixes who represents the story
            self._dirty_stories.add(record.story)
        representative = story.representative
        draft = event.decision
        if draft.kind in ("resend", "update"):
            decision = replace(
                draft, duplicate_of=None if draft.kind == "update" and representative == record.article_id else representative
            )
            decision = replace(decision, cluster_id=representative)
        elif representative == record.article_id:
            decision = replace(Decision.unique(record.article_id), revision=draft.revision)
        else:
            decision = self._copy_of(record, representative, draft, policy)
        settled = Event(event.key, decision, settled=True)
        record.events = tuple(settled if other.key == event.key else other for other in record.events)
        return settled

    def _copy_of(self, record: ArticleRecord, representative: str, draft: Decision, policy: MatchPolicy) -> Decision:
        """A copy's verdict against the representative itself (not the member it matched on arrival)."""
        other = self._records.get(representative)
        mine, theirs = self._index.probe(record.article_id), self._index.probe(representative)
        kind, score = draft.kind, draft.similarity
        if other is not None and record.content_hash is not None and other.content_hash == record.content_hash:
            kind, score = "exact", 1.0
        elif other is not None and record.canonical_url is not None and other.canonical_url == record.canonical_url:
            kind = "url"
            if mine is not None and theirs is not None:
                score = similarity(mine.signature, mine.shingles, theirs, policy)
        elif mine is not None and theirs is not None and mine.signature is not None and theirs.signature is not None:
            kind, score = "near", similarity(mine.signature, mine.shingles, theirs, policy)
        elif kind == "exact":
            kind = "near"  # it copies a member that differs from the representative
        return Decision(kind=kind, duplicate_of=representative, cluster_id=representative, similarity=score, revision=draft.revision)

    # -- window, persistence ------------------------------------------------------------------------------

    def _advance(self, event_time: float, policy: MatchPolicy) -> None:
        """Move the watermark (latest event time seen) and drop what fell out of the window or retention."""
        self._watermark = max(self._watermark, event_time)
        for article_id in self._index.expire(self._watermark - policy.window_seconds, policy):
            if article_id in self._records:
                self._dirty_ids.add(article_id)  # its line no longer carries the signature
        horizon = self._watermark - max(policy.decision_retention_seconds, policy.window_seconds)
        while self._decision_expiry and self._decision_expiry[0][0] < horizon:
            _, article_id = heapq.heappop(self._decision_expiry)
            record = self._records.get(article_id)
            if record is None or record.event_time >= horizon or record.waiting:
                continue
            del self._records[article_id]
            self._dirty_ids.discard(article_id)
            story = self._stories.get(record.story)
            if story is not None and story.last_time < horizon:
                del self._stories[record.story]
                self._dirty_stories.discard(record.story)

    def _restore(self, record: ArticleRecord, probe: Probe | None) -> None:
        self._records[record.article_id] = record
        self._watermark = max(self._watermark, record.event_time)
        heapq.heappush(self._decision_expiry, (record.event_time, record.article_id))
        if probe is not None:
            self._index.add(probe, record.story, None)
        else:
            self._index.discard(record.article_id, None)

    def _touch(self, record: ArticleRecord, story_key: str) -> None:
        self._dirty_ids.add(record.article_id)
        self._dirty_stories.add(story_key)
        self._changes += 1

    def _maybe_flush(self) -> None:
        if self._journal is not None and self._changes >= self._journal.flush_every:
            self._write_changes()
        if self._journal is not None and self._journal.wants_compaction(len(self._records) + len(self._stories)):
            self._journal.compact(self._lines())

    def _write_changes(self) -> None:
        if self._journal is None:
            self._dirty_ids.clear()
            self._dirty_stories.clear()
            return
        lines = [story_line(key, self._stories[key]) for key in sorted(self._dirty_stories) if key in self._stories]
        lines += [article_line(self._records[key], self._index.probe(key)) for key in sorted(self._dirty_ids) if key in self._records]
        self._journal.write(lines)
        self._dirty_ids.clear()
        self._dirty_stories.clear()
        self._changes = 0

    def _lines(self) -> Iterator[str]:
        for key, story in self._stories.items():
            yield story_line(key, story)
        for article_id, record in self._records.items():
            yield article_line(record, self._index.probe(article_id))
