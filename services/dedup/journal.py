"""Persistence of the in-process state: a snapshot file plus an append-only journal beside it.

Changes are written as whole JSON lines (the latest line of an article or a story wins on load) and
the journal is fsynced on every flush, so a kill -9 loses at most what was not flushed yet.
Compaction writes a snapshot of the live state (temp file, fsync, rename) and drops the journal;
it runs when the journal outgrows both `compact_after` lines and the live state, so the snapshots
written cost at most one line per line journalled.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


class Journal:
    """The files that one in-process state is persisted in."""

    def __init__(self, path: Path, *, flush_every: int = 256, compact_after: int = 200_000) -> None:
        self.snapshot_path = path
        self.journal_path = path.with_name(path.name + ".journal")
        self.flush_every = max(1, flush_every)
        self._compact_after = compact_after
        self._journal_lines = 0

    def load(self) -> Iterator[dict[str, Any]]:
        """Lines of the snapshot, then of the journal; a line cut short by a crash ends the journal."""
        for file in (self.snapshot_path, self.journal_path):
            if not file.exists():
                continue
            with file.open(encoding="utf-8") as handle:
                for line in handle:
                    if not line.endswith("\n"):
                        break  # the write a crash interrupted: everything before it is whole
                    if file is self.journal_path:
                        self._journal_lines += 1
                    yield json.loads(line)

    def wants_compaction(self, live_lines: int) -> bool:
        return self._journal_lines >= max(self._compact_after, live_lines)

    def write(self, lines: list[str]) -> None:
        """Append lines to the journal and fsync it."""
        if not lines:
            return
        append_durably(self.journal_path, lines)
        self._journal_lines += len(lines)

    def compact(self, lines: Iterable[str]) -> None:
        """Replace snapshot and journal by one snapshot of `lines`, atomically (temp file + rename)."""
        replace_durably(self.snapshot_path, lines)
        # A crash before this unlink leaves journal lines that are also in the snapshot; loading them again changes nothing.
        self.journal_path.unlink(missing_ok=True)
        self._journal_lines = 0

    @property
    def size_bytes(self) -> int:
        """Bytes on disk: snapshot plus journal."""
        return sum(file.stat().st_size for file in (self.snapshot_path, self.journal_path) if file.exists())


def append_durably(path: Path, lines: Iterable[str]) -> None:
    """Append lines to a file and fsync it; opened per call, so no handle outlives a crash or a test."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in lines)
        handle.flush()
        os.fsync(handle.fileno())


def replace_durably(path: Path, lines: Iterable[str]) -> None:
    """Replace a file by `lines` atomically: a temp file, fsync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in lines)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
