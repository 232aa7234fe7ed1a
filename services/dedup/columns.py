"""Per-article columns of the in-process dedup state: one row per article id, in numpy arrays that grow.

A row holds the id (bytes in one arena), the times, 64-bit keys of the id, first event and canonical
URL, the 128-bit body hash, the MinHash signature (the top 16 bits of each value: two unrelated
values agree with chance 1/65,536, and the 2 values of a band make an exact 32-bit band key), the
first event's verdict, and for a story's first member (the row the story is known by) the story's
earliest member, representative and latest event time. About 400 bytes a row instead of the
~5 KB of Python objects per article a dict-based state takes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from services.dedup.decision import DecisionKind

# A first event's kind: unique, or how it matched on arrival (a draft until settled, then the verdict).
KINDS: tuple[DecisionKind, ...] = ("unique", "exact", "near", "url")
KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}

# Bits of `flags`.
SETTLED = 1  # the first event has its verdict
INDEXED = 2  # its fingerprints are in the index (while in the window)
HAS_SIGNATURE = 4  # a MinHash signature (a body with words)
HAS_URL = 8
HAS_HASH = 16  # a body hash (a body with words)

NONE = -1  # no row (a story whose representative is not fixed yet)

_COLUMNS: dict[str, str] = {
    "event_time": "f8",  # the latest event's fetched_at
    "origin": "f8",  # the first event's origin time (published_at, else fetched_at)
    "fp_time": "f8",  # fetched_at of the indexed fingerprints (an update re-indexes): the window runs on it
    "similarity": "f8",  # the first event's similarity (draft, then verdict)
    "story_last": "f8",  # (story row) latest event time of a member: the story and its rows are retained from it
    "earliest_origin": "f8",  # (story row) origin time of the earliest member
    "order": "i8",  # when the fingerprints were indexed: ties between candidates go to the earliest
    "id_key": "u8",
    "event_key": "u8",  # 64-bit hash of the first event's key
    "hash_high": "u8",
    "hash_low": "u8",
    "url_key": "u8",
    "shingles": "i4",
    "story": "i4",  # the row of the story's first member
    "earliest": "i4",  # (story row) the earliest member
    "representative": "i4",  # (story row) fixed when the first member is settled, else NONE
    "revision": "i4",
    "kind": "i1",
    "flags": "u1",
}

Array = npt.NDArray[Any]


class ArticleColumns:
    """The rows; `size` of them are in use. Columns are attributes named as in `_COLUMNS`, plus `signatures`."""

    event_time: npt.NDArray[np.float64]
    origin: npt.NDArray[np.float64]
    fp_time: npt.NDArray[np.float64]
    similarity: npt.NDArray[np.float64]
    story_last: npt.NDArray[np.float64]
    earliest_origin: npt.NDArray[np.float64]
    order: npt.NDArray[np.int64]
    id_key: npt.NDArray[np.uint64]
    event_key: npt.NDArray[np.uint64]
    hash_high: npt.NDArray[np.uint64]
    hash_low: npt.NDArray[np.uint64]
    url_key: npt.NDArray[np.uint64]
    shingles: npt.NDArray[np.int32]
    story: npt.NDArray[np.int32]
    earliest: npt.NDArray[np.int32]
    representative: npt.NDArray[np.int32]
    revision: npt.NDArray[np.int32]
    kind: npt.NDArray[np.int8]
    flags: npt.NDArray[np.uint8]
    signatures: npt.NDArray[np.uint16]

    def __init__(self, num_perm: int = 128, capacity: int = 1024) -> None:
        self.num_perm = num_perm
        self.size = 0
        for name, dtype in _COLUMNS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))  # calloc'd: pages cost memory once written
        self.signatures = np.zeros((capacity, num_perm), dtype=np.uint16)
        self._arena = np.empty(capacity * 16, dtype=np.uint8)
        self._id_end = np.empty(capacity, dtype=np.int64)  # the id of row r is arena[end[r - 1]:end[r]]

    @property
    def capacity(self) -> int:
        return int(self.flags.size)

    def append(self, article_id: str) -> int:
        """A new row for `article_id` (its other columns are the caller's to fill)."""
        row = self.size
        if row == self.capacity:
            self._grow(row + 1)
        encoded = article_id.encode("utf-8")
        start = int(self._id_end[row - 1]) if row else 0
        end = start + len(encoded)
        if end > self._arena.size:
            self._arena = _grown(self._arena, max(end, self._arena.size * 3 // 2), start)
        self._arena[start:end] = np.frombuffer(encoded, dtype=np.uint8)
        self._id_end[row] = end
        self.size = row + 1
        return row

    def article_id(self, row: int) -> str:
        start = int(self._id_end[row - 1]) if row else 0
        return self._arena[start : int(self._id_end[row])].tobytes().decode("utf-8")

    def signature_of(self, signature: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint16]:
        """A probe's 32-bit MinHash values as stored: their top 16 bits."""
        return (signature >> np.uint32(16)).astype(np.uint16)

    # -- whole-table operations: persistence and compaction ----------------------------------------------

    def arrays(self, rows: npt.NDArray[np.int64] | None = None) -> dict[str, Array]:
        """The columns of all rows in use (views, written out before the table changes), or copies of those of `rows`;
        with their ids as one byte string and their lengths."""
        picked: slice | npt.NDArray[np.int64] = slice(0, self.size) if rows is None else rows
        out: dict[str, Array] = {name: getattr(self, name)[picked] for name in _COLUMNS}
        out["signatures"] = self.signatures[picked]
        ends = self._id_end[: self.size]
        starts = np.concatenate([np.zeros(1, dtype=np.int64), ends[:-1]])
        lengths = (ends - starts)[picked]
        if rows is None:
            out["ids"] = self._arena[: int(ends[-1]) if self.size else 0]
        else:
            out["ids"] = self._arena[_ranges(starts[rows], lengths)]
        out["id_lengths"] = lengths
        out["rows"] = np.arange(self.size, dtype=np.int64) if rows is None else rows
        return out

    def apply(self, arrays: dict[str, Array]) -> None:
        """Write rows from `arrays` (as `arrays` gives them): existing rows are overwritten, new ones appended in order."""
        rows = arrays["rows"].astype(np.int64)
        if not rows.size:
            return
        fresh = rows >= self.size
        if fresh.any():
            ids = arrays["ids"]
            ends = np.cumsum(arrays["id_lengths"])
            starts = ends - arrays["id_lengths"]
            for position in np.flatnonzero(fresh).tolist():
                if int(rows[position]) != self.size:
                    raise ValueError(f"journal rows out of order: row {int(rows[position])} after {self.size} rows")
                self.append(ids[int(starts[position]) : int(ends[position])].tobytes().decode("utf-8"))
        for name in _COLUMNS:
            getattr(self, name)[rows] = arrays[name]
        self.signatures[rows] = arrays["signatures"]

    @classmethod
    def from_arrays(cls, arrays: dict[str, Array], num_perm: int, spare: float = 0.25) -> ArticleColumns:
        """The rows of `arrays` (all of a table, as `arrays()` gives them), with room for a share more."""
        size = int(arrays["rows"].size)
        table = cls(num_perm, capacity=max(1024, int(size * (1 + spare))))
        table.size = size
        for name in _COLUMNS:
            getattr(table, name)[:size] = arrays[name]
        table.signatures[:size] = arrays["signatures"]
        ends = np.cumsum(arrays["id_lengths"].astype(np.int64))
        table._id_end[:size] = ends
        used = int(ends[-1]) if size else 0
        table._arena = np.empty(max(used + used // 4, 1024), dtype=np.uint8)
        table._arena[:used] = arrays["ids"]
        return table

    def kept(self, keep: npt.NDArray[np.bool_]) -> tuple[ArticleColumns, npt.NDArray[np.int32]]:
        """A table of the rows `keep` marks, renumbered in order, and the new number of each old row (NONE if dropped)."""
        rows = np.flatnonzero(keep[: self.size]).astype(np.int64)
        renumbered = np.full(self.size, NONE, dtype=np.int32)
        renumbered[rows] = np.arange(rows.size, dtype=np.int32)
        table = ArticleColumns.from_arrays(self.arrays(rows), self.num_perm)
        for name in ("story", "earliest", "representative"):
            column = getattr(table, name)[: table.size]
            column[column >= 0] = renumbered[column[column >= 0]]
        return table, renumbered

    def _grow(self, needed: int) -> None:
        capacity = max(needed, self.capacity * 3 // 2, 1024)
        for name in _COLUMNS:
            setattr(self, name, _grown(getattr(self, name), capacity, self.size))
        self.signatures = _grown(self.signatures, capacity, self.size)
        self._id_end = _grown(self._id_end, capacity, self.size)


def _grown(array: Array, capacity: int, used: int) -> Array:
    grown = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
    grown[:used] = array[:used]
    return grown


def _ranges(starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The positions start, start + 1, ..., start + length - 1 of each range, concatenated."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    positions: npt.NDArray[np.int64] = np.arange(total, dtype=np.int64) + offsets
    return positions
