"""Persistence of the in-process state: a snapshot of the columns plus an append-only journal of changed rows.

The snapshot is the columns as one uncompressed `.npz` (numpy arrays, no pickles), written to a temp
file, fsynced and renamed over the old one. The journal is a sequence of frames, each the changed
rows of one flush as an `.npz` behind its length and CRC-32, appended and fsynced: a kill -9 loses
at most what was not flushed yet, and a frame cut short by a crash (or a torn write) ends the
journal. Compaction writes a snapshot and drops the journal; it runs when the journal holds more
rows than both `compact_after` and the live state, so snapshots cost at most one row per row
journalled.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

Arrays = dict[str, npt.NDArray[Any]]
_HEADER = struct.Struct("<4sQI")  # magic, frame length, CRC-32 of the frame
_MAGIC = b"NFDJ"


class Journal:
    """The files that one in-process state is persisted in."""

    def __init__(self, path: Path, *, flush_every: int = 256, compact_after: int = 200_000) -> None:
        self.snapshot_path = path
        self.journal_path = path.with_name(path.name + ".journal")
        self.flush_every = max(1, flush_every)
        self._compact_after = compact_after
        self._journal_rows = 0

    def load(self) -> tuple[Arrays | None, list[Arrays]]:
        """The snapshot's arrays (None without one) and the journal's frames in order, up to the first incomplete one."""
        snapshot = None
        if self.snapshot_path.exists():
            if not zipfile.is_zipfile(self.snapshot_path):
                raise ValueError(f"{self.snapshot_path} is not a dedup snapshot (.npz): from an older version? Move it away to start anew")
            snapshot = _read_npz(self.snapshot_path)
        frames: list[Arrays] = []
        if self.journal_path.exists():
            data = self.journal_path.read_bytes()
            if data and not data.startswith(_MAGIC):
                raise ValueError(f"{self.journal_path} is not a dedup journal: from an older version? Move it away to start anew")
            position = 0
            while position + _HEADER.size <= len(data):
                magic, length, crc = _HEADER.unpack_from(data, position)
                body = data[position + _HEADER.size : position + _HEADER.size + length]
                if magic != _MAGIC or len(body) != length or zlib.crc32(body) != crc:
                    break  # the write a crash interrupted: everything before it is whole
                frames.append(_read_npz(io.BytesIO(body)))
                self._journal_rows += int(frames[-1]["rows"].size)
                position += _HEADER.size + length
        return snapshot, frames

    def wants_compaction(self, live_rows: int) -> bool:
        return self._journal_rows >= max(self._compact_after, live_rows)

    def write(self, frame: Arrays) -> None:
        """Append one frame (the rows changed since the last) to the journal and fsync it."""
        body = _npz_bytes(frame)
        append_bytes_durably(self.journal_path, [_HEADER.pack(_MAGIC, len(body), zlib.crc32(body)), body])
        self._journal_rows += int(frame["rows"].size)

    def compact(self, snapshot: Arrays) -> None:
        """Replace snapshot and journal by one snapshot, atomically (temp file + rename)."""
        replace_bytes_durably(self.snapshot_path, lambda handle: np.savez(handle, allow_pickle=False, **snapshot))
        # A crash before this unlink leaves journal frames that are also in the snapshot; applying them again changes nothing.
        self.journal_path.unlink(missing_ok=True)
        self._journal_rows = 0

    @property
    def size_bytes(self) -> int:
        """Bytes on disk: snapshot plus journal."""
        return sum(file.stat().st_size for file in (self.snapshot_path, self.journal_path) if file.exists())


def _npz_bytes(arrays: Arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def _read_npz(source: Path | IO[bytes]) -> Arrays:
    with np.load(source, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def append_durably(path: Path, lines: Iterable[str]) -> None:
    """Append lines to a file and fsync it; opened per call, so no handle outlives a crash or a test."""
    append_bytes_durably(path, [(line + "\n").encode("utf-8") for line in lines])


def append_bytes_durably(path: Path, chunks: Iterable[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        handle.writelines(chunks)
        handle.flush()
        os.fsync(handle.fileno())


def replace_durably(path: Path, lines: Iterable[str]) -> None:
    """Replace a file by `lines` atomically: a temp file, fsync, then rename over it."""
    replace_bytes_durably(path, lambda handle: handle.writelines((line + "\n").encode("utf-8") for line in lines))


def replace_bytes_durably(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Replace a file by what `write` writes, atomically: a temp file, fsync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
