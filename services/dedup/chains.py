"""A multimap from buckets to entry numbers as linked lists in two int32 arrays: `heads` per bucket, `next` per entry.

An entry number is implicit (a row, or row x bands + band), so the map stores 4 bytes per entry plus
4 per bucket; keys are not stored at all: whoever walks a bucket re-checks the entries it finds
against its own columns. Linking many entries is vectorised: each round every bucket takes one
of the entries aimed at it (numpy's fancy assignment keeps one), the others retry on top of it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]

_END = -1
_FEW = 256  # links of fewer entries than this run as a Python loop (numpy's per-call cost dominates them)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: spreads any 64-bit key over the high bits


def buckets_of(keys: npt.NDArray[np.uint64], buckets: int) -> Ints:
    """The bucket of each 64-bit key among `buckets` (multiply, keep the high 32 bits, scale to the range)."""
    high = (keys * _GOLDEN) >> np.uint64(32)
    return ((high * np.uint64(buckets)) >> np.uint64(32)).astype(np.int64)


def bucket_of(key: int, buckets: int) -> int:
    """`buckets_of` for one key, in Python integers (a lookup of one id costs no numpy call)."""
    return ((((key * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> 32) * buckets) >> 32


class Chains:
    """Entries grouped by bucket; an entry is in at most one bucket."""

    def __init__(self, buckets: int, entries: int) -> None:
        self.heads: npt.NDArray[np.int32] = np.full(max(1, buckets), _END, dtype=np.int32)
        self.next: npt.NDArray[np.int32] = np.empty(max(1, entries), dtype=np.int32)  # untouched pages cost no memory

    @property
    def buckets(self) -> int:
        return int(self.heads.size)

    @property
    def nbytes(self) -> int:
        return int(self.heads.nbytes + self.next.nbytes)

    def reserve(self, entries: int) -> None:
        """Room for entry numbers below `entries` (grows by half again, so appends stay amortised)."""
        if entries > self.next.size:
            grown = np.empty(max(entries, self.next.size * 3 // 2), dtype=np.int32)
            grown[: self.next.size] = self.next
            self.next = grown

    def link(self, entries: Ints, buckets: Ints) -> None:
        """Put each entry at the head of its bucket; several entries may go to one bucket."""
        if entries.size <= _FEW:
            heads, following = self.heads.data, self.next.data
            for entry, bucket in zip(entries.tolist(), buckets.tolist(), strict=True):
                following[entry] = heads[bucket]
                heads[bucket] = entry
            return
        while entries.size:
            previous = self.heads[buckets]
            self.heads[buckets] = entries  # of entries sharing a bucket, one lands
            landed = self.heads[buckets] == entries
            self.next[entries[landed]] = previous[landed]
            entries, buckets = entries[~landed], buckets[~landed]

    def link_one(self, entry: int, bucket: int) -> None:
        """`link` of one entry, in Python integers."""
        self.next[entry] = self.heads[bucket]
        self.heads[bucket] = entry

    def unlink(self, entry: int, bucket: int) -> None:
        """Take one entry out of its bucket (walks the bucket: used for the rare update of an indexed article)."""
        current = int(self.heads[bucket])
        if current == entry:
            self.heads[bucket] = self.next[entry]
            return
        while current != _END:
            following = int(self.next[current])
            if following == entry:
                self.next[current] = self.next[entry]
                return
            current = following

    def walk(self, buckets: Ints, stride: int = 1) -> Ints:
        """The entries in the given buckets whose number modulo `stride` is the bucket's position in `buckets`.

        With entries numbered row x bands + band and one bucket per band, that is the entries of each band
        found under that band's bucket. A Python loop over the array's memoryview: for a few dozen short buckets it
        beats numpy's per-call cost.
        """
        following = self.next.data
        found: list[int] = []
        for position, head in enumerate(self.heads[buckets].tolist()):
            current = head
            while current != _END:
                if current % stride == position % stride:
                    found.append(current)
                current = following[current]
        return np.array(found, dtype=np.int64)

    def entries_at(self, bucket: int) -> list[int]:
        """The entries of one bucket, in Python integers (an id lookup: one or two entries)."""
        out = []
        following = self.next.data
        current = int(self.heads[bucket])
        while current != _END:
            out.append(current)
            current = following[current]
        return out
