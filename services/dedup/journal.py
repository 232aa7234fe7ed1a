"""Persistence of the in-process state: a snapshot file plus an append-only journal beside it.

Every decision is appended to the journal and the journal is flushed (write + fsync) every
`flush_every` decisions, so a kill -9 loses at most that many decisions; those articles are decided
afresh when redelivered, which can only differ from the lost decision if a copy arrived in between.
Closing writes a snapshot of the live state (temp file, fsync, rename) and drops the journal; the
journal is also folded into a snapshot when it outgrows both `compact_after` lines and the live
state, so the snapshots written cost at most one line per decision journalled.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from services.dedup.records import DecisionRecord


class Journal:
    """The files that one in-process state is persisted in."""

    def __init__(self, path: Path, *, flush_every: int = 256, compact_after: int = 200_000) -> None:
        self.snapshot_path = path
        self.journal_path = path.with_name(path.name + ".journal")
        self._flush_every = max(1, flush_every)
        self._compact_after = compact_after
        self._pending: list[str] = []
        self._journal_lines = 0

    def load(self) -> Iterator[DecisionRecord]:
        """Records of the snapshot, then of the journal; a line cut short by a crash ends the journal."""
        for file in (self.snapshot_path, self.journal_path):
            if not file.exists():
                continue
            with file.open(encoding="utf-8") as handle:
                for line in handle:
                    if not line.endswith("\n"):
                        break  # the write a crash interrupted: everything before it is whole
                    if file is self.journal_path:
                        self._journal_lines += 1
                    yield DecisionRecord.from_json(line)

    def append(self, record: DecisionRecord) -> None:
        self._pending.append(record.to_json() + "\n")
        if len(self._pending) >= self._flush_every:
            self.flush()

    def wants_compaction(self, live_records: int) -> bool:
        return self._journal_lines >= max(self._compact_after, live_records)

    def flush(self) -> None:
        """Write the pending decisions to the journal and fsync it."""
        if not self._pending:
            return
        # Opened per flush (every `flush_every` decisions), so no handle outlives a crash or a test.
        self.journal_path.parent.mkdir(parents=True, exist_ok=True)
        with self.journal_path.open("a", encoding="utf-8") as handle:
            handle.writelines(self._pending)
            handle.flush()
            os.fsync(handle.fileno())
        self._journal_lines += len(self._pending)
        self._pending.clear()

    def compact(self, records: Iterable[DecisionRecord]) -> None:
        """Replace snapshot and journal by one snapshot of `records`, atomically (temp file + rename)."""
        self.snapshot_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.snapshot_path.with_name(self.snapshot_path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            handle.writelines(record.to_json() + "\n" for record in records)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.snapshot_path)
        # A crash before this unlink leaves journal records that are also in the snapshot; loading skips repeats.
        self.journal_path.unlink(missing_ok=True)
        self._pending.clear()
        self._journal_lines = 0

    def close(self) -> None:
        self.flush()
