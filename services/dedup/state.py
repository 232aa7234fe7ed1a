"""In-process dedup state: every article id's events and verdicts, the stories, and the fingerprints of the window.

Articles are rows of numpy columns (services/dedup/columns.py) found through `RowIndex`; a story is
known by the row of its first member, which holds the story's earliest member, representative and
latest event time. Rows are retained per story: while any member's latest event is within the
retention, or any member waits for its verdict, the whole story stays (so a representative keeps
its id while copies of it are remembered). Rows out of the window or the retention are filtered by
time on every lookup and dropped, renumbered, when the index is next rebuilt.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from services.dedup import matching
from services.dedup.chains import Ints
from services.dedup.columns import HAS_HASH, HAS_SIGNATURE, HAS_URL, INDEXED, KIND_CODE, KINDS, NONE, SETTLED, ArticleColumns
from services.dedup.decision import Admission, Decision, MatchPolicy, Probe
from services.dedup.journal import Arrays, Journal
from services.dedup.records import LaterEvent, events_from_json, events_to_json
from services.dedup.row_index import Bands, RowIndex


class DedupState:
    """Decisions, stories and fingerprints held in this process, optionally persisted to a file.

    `admit` and `settle` are atomic under a lock, so stages in several threads may share one state.
    """

    def __init__(self, journal: Journal | None = None, table: ArticleColumns | None = None) -> None:
        self._journal = journal
        self._lock = threading.Lock()
        self._table = table if table is not None else ArticleColumns()
        self._index: RowIndex | None = None  # built for the first policy's LSH layout
        self._policy: MatchPolicy | None = None
        self._later: dict[int, list[LaterEvent]] = {}  # row -> resends and updates of its id
        self._waiting: dict[int, int] = {}  # story row -> its events waiting for a verdict
        self._watermark = float("-inf")
        self._next_order = 0
        self._dirty: set[int] = set()
        self._changes = 0
        self._closed = False

    @classmethod
    def open(cls, path: Path | None, *, flush_every: int = 256, compact_after: int = 200_000, read_only: bool = False) -> DedupState:
        """A state persisted at `path` (loaded if the files exist), or a memory-only one for None.

        Changes are flushed to a journal every `flush_every` admitted events: a kill -9 loses at most that many.
        `read_only` loads the files and never writes them (a replay reading the running service's decisions).
        """
        if path is None:
            return cls()
        journal = Journal(path, flush_every=flush_every, compact_after=compact_after)
        snapshot, frames = journal.load()
        if snapshot is not None:
            table = ArticleColumns.from_arrays(snapshot, snapshot["signatures"].shape[1])
        else:
            table = ArticleColumns(frames[0]["signatures"].shape[1] if frames else 128)
        state = cls(None if read_only else journal, table)
        for arrays in ([snapshot] if snapshot is not None else []) + frames:
            if arrays is not snapshot:
                state._table.apply(arrays)
            state._later.update(zip(arrays["later_rows"].tolist(), map(events_from_json, arrays["later_events"].tolist()), strict=True))
        state._restored()
        return state

    @property
    def ready(self) -> bool:
        return not self._closed

    @property
    def fingerprints(self) -> int:
        """Fingerprints in the window (the index's size)."""
        with self._lock:
            return int(np.count_nonzero(matching.in_window(self._table, np.arange(self._table.size), self._window())))

    @property
    def decisions(self) -> int:
        """Article ids whose verdicts are retained for replays."""
        with self._lock:
            return int(np.count_nonzero(self._retained()))

    @property
    def journal(self) -> Journal | None:
        return self._journal

    def admit(self, probes: list[Probe], policy: MatchPolicy) -> list[Admission]:
        with self._lock:
            self._bind(policy)
            admissions = []
            for probe in probes:
                admissions.append(self._admit_one(probe, policy))
                self._maybe_flush()
            return admissions

    def settle(self, events: list[tuple[str, str]], policy: MatchPolicy) -> list[Decision]:
        with self._lock:
            self._bind(policy)
            return [self._settle_one(article_id, key, policy) for article_id, key in events]

    def flush(self) -> None:
        """Make every change so far durable (call before committing consumer offsets)."""
        with self._lock:
            self._write_changes()

    def compact(self) -> None:
        """Drop rows past the retention and fold the journal into a fresh snapshot now."""
        with self._lock:
            if self._journal is not None:
                if self._policy is not None and self._drop_expired():
                    self._rebuild_index()
                self._journal.compact(self._snapshot())

    def close(self) -> None:
        """Write a snapshot (atomically) when persisted, then refuse further decisions."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._journal is not None:
                self._journal.compact(self._snapshot())

    # -- arrival ------------------------------------------------------------------------------------------

    def _admit_one(self, probe: Probe, policy: MatchPolicy) -> Admission:
        table = self._table
        row = self._row_of(probe.article_id)
        if row is not None:
            key = matching.key_of(probe.event_key)
            if int(table.event_key[row]) == key:  # a redelivery or replay: the same verdict, or still waiting
                settled = bool(table.flags[row] & SETTLED)
                return Admission(self._first_decision(row) if settled else None, float(table.origin[row]))
            later = next((event for event in self._later.get(row, ()) if event.key == key), None)
            if later is not None:
                return Admission(later.decision if later.settled else None, float(table.origin[row]))
            return self._admit_again(row, probe, key, policy)
        self._advance(probe.event_time)
        bands = None if probe.signature is None else self._index_of().bands_of(table.signature_of(probe.signature))
        match = matching.match(table, self._index_of(), probe, bands, window=self._window(), policy=policy)
        row = table.append(probe.article_id)
        story = row if match is None else int(table.story[match[0]])
        table.id_key[row] = matching.key_of(probe.article_id)
        table.event_key[row] = matching.key_of(probe.event_key)
        table.event_time[row] = table.fp_time[row] = probe.event_time
        table.origin[row] = probe.origin_time
        table.story[row] = story
        table.revision[row] = 1
        table.kind[row] = KIND_CODE["unique" if match is None else match[1]]
        table.similarity[row] = 0.0 if match is None else match[2]
        table.flags[row], table.order[row] = 0, -1
        self._set_fingerprints(row, probe, bands)
        if story == row:
            table.story_last[row], table.earliest_origin[row] = probe.event_time, probe.origin_time
            table.earliest[row], table.representative[row] = row, NONE
        else:
            self._join(story, row, probe)
        self._index_of().add(table, row)
        if match is None or policy.index_duplicates:
            self._index_row(row, None if bands is None else bands.buckets)
        self._waiting[story] = self._waiting.get(story, 0) + 1
        self._touch(row, story)
        return Admission(None, probe.origin_time)

    def _admit_again(self, row: int, probe: Probe, key: int, policy: MatchPolicy) -> Admission:
        """A new event of a known id: a resend (same body) or an update (changed body, next revision)."""
        table = self._table
        self._advance(probe.event_time)
        current = matching.content_hash(table, row)
        revision = int(table.revision[row])
        if probe.content_hash == current:
            draft = Decision(kind="resend", duplicate_of=None, cluster_id="", similarity=1.0, revision=revision)
        else:
            draft = Decision(kind="update", duplicate_of=None, cluster_id="", similarity=0.0, revision=revision + 1, previous_hash=current)
            table.revision[row] = revision + 1
            indexed = matching.row_in_window(table, row, self._window())
            if indexed:  # later copies are matched against the corrected text
                self._index_of().unindex(table, row)
            self._set_fingerprints(row, probe)
            if indexed:
                table.fp_time[row] = probe.event_time
                self._index_row(row)
        story = int(table.story[row])
        table.event_time[row] = max(float(table.event_time[row]), probe.event_time)
        table.story_last[story] = max(float(table.story_last[story]), probe.event_time)
        waiting = self._row_waiting(row)
        event = LaterEvent(key, draft, settled=False)
        self._later.setdefault(row, []).append(event)
        if waiting:
            self._waiting[story] = self._waiting.get(story, 0) + 1
        else:  # the id's story is settled: this event is decided now
            event = self._settle_later(row, len(self._later[row]) - 1, waited=False)
        self._touch(row, story)
        return Admission(event.decision if event.settled else None, float(table.origin[row]))

    def _join(self, story: int, row: int, probe: Probe) -> None:
        """A new member of a story: it may be the earliest (ties go to the smaller id, so arrival order never matters)."""
        table = self._table
        earliest = (float(table.earliest_origin[story]), table.article_id(int(table.earliest[story])))
        if (probe.origin_time, probe.article_id) < earliest:
            table.earliest_origin[story], table.earliest[story] = probe.origin_time, row
        table.story_last[story] = max(float(table.story_last[story]), probe.event_time)

    # -- settling -----------------------------------------------------------------------------------------

    def _settle_one(self, article_id: str, key: str, policy: MatchPolicy) -> Decision:
        row = self._row_of(article_id)
        hashed = matching.key_of(key)
        if row is not None and int(self._table.event_key[row]) == hashed:
            if not self._table.flags[row] & SETTLED:
                self._settle_first(row, policy)
                self._touch(row, int(self._table.story[row]))
            return self._first_decision(row)
        events = self._later.get(row, []) if row is not None else []
        position = next((number for number, event in enumerate(events) if event.key == hashed), None)
        if row is None or position is None:
            raise KeyError(f"no waiting event {key!r} of article {article_id!r} in the dedup state")
        if events[position].settled:
            return events[position].decision
        settled = self._settle_later(row, position, waited=True)
        self._touch(row, int(self._table.story[row]))
        return settled.decision

    def _representative(self, story: int) -> int:
        table = self._table
        if int(table.representative[story]) == NONE:
            table.representative[story] = table.earliest[story]  # the first settled member fixes who represents the story
        return int(table.representative[story])

    def _settle_first(self, row: int, policy: MatchPolicy) -> None:
        """A first event's verdict: unique for the representative, else a copy of it (its kind taken against it)."""
        table = self._table
        story = int(table.story[row])
        representative = self._representative(story)
        if representative == row:
            table.kind[row], table.similarity[row] = KIND_CODE["unique"], 0.0
        else:
            kind, score = matching.copy_of(table, row, representative, self._window(), policy)
            table.kind[row], table.similarity[row] = KIND_CODE[kind], score
        table.flags[row] |= SETTLED
        self._unwait(story)

    def _settle_later(self, row: int, position: int, *, waited: bool) -> LaterEvent:
        table = self._table
        story = int(table.story[row])
        representative = self._representative(story)
        draft = self._later[row][position].decision
        own = draft.kind == "update" and representative == row
        named = table.article_id(representative)
        decision = replace(draft, duplicate_of=None if own else named, cluster_id=named)
        settled = LaterEvent(self._later[row][position].key, decision, settled=True)
        self._later[row][position] = settled
        if waited:
            self._unwait(story)
        return settled

    def _first_decision(self, row: int) -> Decision:
        table = self._table
        article_id = table.article_id(row)
        kind = KINDS[int(table.kind[row])]
        if kind == "unique":
            return Decision.unique(article_id)
        named = table.article_id(int(table.representative[int(table.story[row])]))
        return Decision(kind=kind, duplicate_of=named, cluster_id=named, similarity=float(table.similarity[row]))

    # -- rows, window, retention ----------------------------------------------------------------------------

    def _row_of(self, article_id: str) -> int | None:
        """The retained row of an id (a row past the retention is forgotten, and the id decided afresh)."""
        table = self._table
        for row in self._index_of().rows_by_id(table, matching.key_of(article_id)):
            if table.article_id(row) == article_id and self._retained_row(row):
                return row
        return None

    def _retained(self) -> npt.NDArray[np.bool_]:
        table, size = self._table, self._table.size
        stories = table.story[:size]
        if self._policy is None:
            return np.ones(size, dtype=bool)
        kept = table.story_last[stories] >= self._retention_horizon()
        waiting = [story for story, count in self._waiting.items() if count > 0]
        if waiting:
            kept |= np.isin(stories, np.array(waiting, dtype=np.int32))
        return kept

    def _retained_row(self, row: int) -> bool:
        story = int(self._table.story[row])
        return float(self._table.story_last[story]) >= self._retention_horizon() or self._waiting.get(story, 0) > 0

    def _window(self) -> matching.Window:
        if self._policy is None:
            return matching.Window(float("-inf"), float("inf"))
        return matching.Window(self._watermark - self._policy.window_seconds, self._policy.window_seconds)

    def _retention_horizon(self) -> float:
        policy = self._policy_of()
        return self._watermark - max(policy.decision_retention_seconds, policy.window_seconds)

    def _row_waiting(self, row: int) -> bool:
        """Whether an event of the row waits for its verdict."""
        return not self._table.flags[row] & SETTLED or any(not event.settled for event in self._later.get(row, ()))

    def _unwait(self, story: int) -> None:
        left = self._waiting.get(story, 0) - 1
        if left > 0:
            self._waiting[story] = left
        else:
            self._waiting.pop(story, None)

    def _advance(self, event_time: float) -> None:
        self._watermark = max(self._watermark, event_time)

    def _set_fingerprints(self, row: int, probe: Probe, bands: Bands | None = None) -> None:
        table = self._table
        flags = int(table.flags[row]) & (SETTLED | INDEXED)
        if probe.content_hash is not None:
            table.hash_high[row], table.hash_low[row] = matching.hash_parts(probe.content_hash)
            flags |= HAS_HASH
        if probe.signature is not None:
            table.signatures[row] = table.signature_of(probe.signature) if bands is None else bands.signature
            flags |= HAS_SIGNATURE
        if probe.canonical_url is not None:
            table.url_key[row] = matching.key_of(probe.canonical_url)
            flags |= HAS_URL
        table.shingles[row] = probe.shingles
        table.flags[row] = flags

    def _index_row(self, row: int, buckets: Ints | None = None) -> None:
        self._table.flags[row] |= INDEXED
        self._table.order[row] = self._next_order
        self._next_order += 1
        self._index_of().index(self._table, row, buckets)

    # -- index, persistence ---------------------------------------------------------------------------------

    def _bind(self, policy: MatchPolicy) -> None:
        """(Re)build the index for the policy's LSH layout, and bigger (dropping rows past the retention) once it fills."""
        if self._closed:
            raise RuntimeError("the dedup state is closed")
        self._policy = policy
        if self._table.size == 0 and self._table.num_perm != policy.bands * policy.rows:
            self._table = ArticleColumns(policy.bands * policy.rows)
        index = self._index
        if index is None or (index.bands, index.rows_per_band) != (policy.bands, policy.rows) or index.outgrown(self._table.size + 1):
            if self._drop_expired() and self._journal is not None:
                self._journal.compact(self._snapshot())  # the journal speaks of the old row numbers
            self._rebuild_index()

    def _drop_expired(self) -> bool:
        """Drop the rows past the retention, renumbering the rest; whether there were any."""
        retained = self._retained()
        if retained.all():
            return False
        table, renumbered = self._table.kept(retained)
        self._table = table
        self._later = {int(renumbered[row]): events for row, events in self._later.items() if renumbered[row] != NONE}
        self._waiting = {int(renumbered[story]): count for story, count in self._waiting.items() if renumbered[story] != NONE}
        self._dirty = {int(renumbered[row]) for row in self._dirty if renumbered[row] != NONE}
        return True

    def _rebuild_index(self) -> None:
        policy = self._policy_of()
        indexed = matching.in_window(self._table, np.arange(self._table.size), self._window())
        self._index = RowIndex.build(self._table, indexed, policy.bands, policy.rows)

    def _index_of(self) -> RowIndex:
        if self._index is None:
            raise RuntimeError("the dedup state has no index before its first policy")
        return self._index

    def _policy_of(self) -> MatchPolicy:
        if self._policy is None:
            raise RuntimeError("the dedup state has no policy yet")
        return self._policy

    def _restored(self) -> None:
        """Watermark, index order and the waiting events per story, from the loaded rows."""
        table, size = self._table, self._table.size
        if size:
            self._watermark = float(table.event_time[:size].max())
            self._next_order = int(table.order[:size].max()) + 1
        self._waiting = {}
        for row in np.flatnonzero((table.flags[:size] & SETTLED) == 0).tolist():
            story = int(table.story[row])
            self._waiting[story] = self._waiting.get(story, 0) + 1
        for row, events in self._later.items():
            story = int(table.story[row])
            waiting = sum(1 for event in events if not event.settled)
            if waiting:
                self._waiting[story] = self._waiting.get(story, 0) + waiting

    def _touch(self, row: int, story: int) -> None:
        self._dirty.add(row)
        self._dirty.add(story)
        self._changes += 1

    def _maybe_flush(self) -> None:
        if self._journal is not None and self._changes >= self._journal.flush_every:
            self._write_changes()
        if self._journal is not None and self._journal.wants_compaction(self._table.size):
            self._journal.compact(self._snapshot())

    def _write_changes(self) -> None:
        if self._journal is not None and self._dirty:
            rows = np.array(sorted(self._dirty), dtype=np.int64)
            self._journal.write(self._with_later(self._table.arrays(rows), rows.tolist()))
        self._dirty.clear()
        self._changes = 0

    def _snapshot(self) -> Arrays:
        self._dirty.clear()
        self._changes = 0
        return self._with_later(self._table.arrays(), sorted(self._later))

    def _with_later(self, arrays: Arrays, rows: list[int]) -> Arrays:
        with_later = [row for row in rows if row in self._later]
        arrays["later_rows"] = np.array(with_later, dtype=np.int64)
        arrays["later_events"] = np.array([events_to_json(self._later[row]) for row in with_later], dtype=np.str_)
        return arrays
