"""Lookups over the article columns: rows by id, body hash and canonical URL, and LSH candidates by band.

Every lookup is a `Chains` walk whose entries are re-checked against the columns, so the index holds
row numbers only: ~4 bytes per row for each of the id, hash and URL maps and 64 x 4 bytes for the
bands, plus the bucket heads (24-36 per row for the bands). Rows out of the window or past the
retention are filtered by the caller (by time) and left out of the next rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from services.dedup.chains import Chains, Ints, bucket_of, buckets_of
from services.dedup.columns import HAS_HASH, HAS_SIGNATURE, HAS_URL, ArticleColumns
from services.dedup.minhash import distinct

# Fixed multipliers for band keys: the same keys in every process and after a restart.
_MIX = np.random.default_rng(0x5EED).integers(0, 2**63, size=1024, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_ROW_MIX, _BAND_MIX = _MIX[:512], _MIX[512:]
_BAND_BUCKETS_PER_ROW = 24
_HEADROOM = 1.5  # rows planned for at a rebuild, relative to the rows present: the tables are rebuilt when they fill


@dataclass(frozen=True, slots=True)
class Bands:
    """A stored signature with its band keys and their buckets: computed once per arriving article."""

    signature: npt.NDArray[np.uint16]
    keys: npt.NDArray[np.uint64]
    buckets: Ints


class RowIndex:
    """Chains of rows by id, body hash and URL, and of (row, band) entries by band key, for one LSH layout."""

    def __init__(self, bands: int, rows_per_band: int, planned_rows: int = 1024) -> None:
        self.bands, self.rows_per_band = bands, rows_per_band
        self.planned_rows = max(1024, planned_rows)
        self.by_id = Chains(self.planned_rows, self.planned_rows)
        self.by_hash = Chains(self.planned_rows, self.planned_rows)
        self.by_url = Chains(self.planned_rows, self.planned_rows)
        self.by_band = Chains(self.planned_rows * _BAND_BUCKETS_PER_ROW, self.planned_rows * bands)

    @property
    def nbytes(self) -> int:
        return sum(chains.nbytes for chains in (self.by_id, self.by_hash, self.by_url, self.by_band))

    @classmethod
    def build(cls, table: ArticleColumns, indexed: npt.NDArray[np.bool_], bands: int, rows_per_band: int) -> RowIndex:
        """Every row by id, the `indexed` rows by fingerprints, in vectorised passes (a week is 1.4 million rows)."""
        index = cls(bands, rows_per_band, int(table.size * _HEADROOM))
        size = table.size
        everyone = np.arange(size, dtype=np.int64)
        index.by_id.link(everyone, buckets_of(table.id_key[:size], index.by_id.buckets))
        rows = np.flatnonzero(indexed[:size]).astype(np.int64)
        hashed = rows[(table.flags[rows] & HAS_HASH) > 0]
        index.by_hash.link(hashed, buckets_of(table.hash_high[hashed] ^ table.hash_low[hashed], index.by_hash.buckets))
        with_url = rows[(table.flags[rows] & HAS_URL) > 0]
        index.by_url.link(with_url, buckets_of(table.url_key[with_url], index.by_url.buckets))
        signed = rows[(table.flags[rows] & HAS_SIGNATURE) > 0]
        for band in range(bands):
            keys = index._band_keys(table.signatures, signed, band)
            index.by_band.link(signed * bands + band, buckets_of(keys, index.by_band.buckets))
        return index

    def outgrown(self, rows: int) -> bool:
        """Whether the tables should be rebuilt bigger to keep their buckets short."""
        return rows > self.planned_rows

    def add(self, table: ArticleColumns, row: int) -> None:
        """A new row, by id."""
        self.by_id.reserve(row + 1)
        self.by_id.link_one(row, bucket_of(int(table.id_key[row]), self.by_id.buckets))

    def index(self, table: ArticleColumns, row: int, buckets: Ints | None = None) -> None:
        """A row's fingerprints: its body hash, URL and band keys (their `band_buckets`, if known)."""
        flags = int(table.flags[row])
        self.by_hash.reserve(row + 1)
        self.by_url.reserve(row + 1)
        if flags & HAS_HASH:
            self.by_hash.link_one(row, bucket_of(int(table.hash_high[row] ^ table.hash_low[row]), self.by_hash.buckets))
        if flags & HAS_SIGNATURE:
            self.by_band.reserve((row + 1) * self.bands)
            if buckets is None:
                buckets = self.band_buckets(table.signatures[row])
            self.by_band.link(row * self.bands + np.arange(self.bands, dtype=np.int64), buckets)
        if flags & HAS_URL:
            self.by_url.link_one(row, bucket_of(int(table.url_key[row]), self.by_url.buckets))

    def unindex(self, table: ArticleColumns, row: int) -> None:
        """Take a row's fingerprints out (before an update replaces them), as `index` put them in."""
        flags = int(table.flags[row])
        if flags & HAS_HASH:
            self.by_hash.unlink(row, bucket_of(int(table.hash_high[row] ^ table.hash_low[row]), self.by_hash.buckets))
        if flags & HAS_SIGNATURE:
            for band, bucket in enumerate(self.band_buckets(table.signatures[row]).tolist()):
                self.by_band.unlink(row * self.bands + band, bucket)
        if flags & HAS_URL:
            self.by_url.unlink(row, bucket_of(int(table.url_key[row]), self.by_url.buckets))

    def rows_by_id(self, table: ArticleColumns, key: int) -> list[int]:
        return [row for row in self.by_id.entries_at(bucket_of(key, self.by_id.buckets)) if int(table.id_key[row]) == key]

    def rows_by_hash(self, table: ArticleColumns, high: int, low: int) -> list[int]:
        rows = self.by_hash.entries_at(bucket_of(high ^ low, self.by_hash.buckets))
        return [row for row in rows if int(table.hash_high[row]) == high and int(table.hash_low[row]) == low]

    def rows_by_url(self, table: ArticleColumns, key: int) -> list[int]:
        return [row for row in self.by_url.entries_at(bucket_of(key, self.by_url.buckets)) if int(table.url_key[row]) == key]

    def band_buckets(self, signature: npt.NDArray[np.uint16]) -> Ints:
        """The bucket of each band of a stored signature."""
        return buckets_of(self.band_keys(signature), self.by_band.buckets)

    def bands_of(self, signature: npt.NDArray[np.uint16]) -> Bands:
        keys = self.band_keys(signature)
        return Bands(signature, keys, buckets_of(keys, self.by_band.buckets))

    def band_candidates(self, table: ArticleColumns, probe: Bands) -> Ints:
        """Distinct rows sharing at least one band (all values of it) with a signature."""
        keys = probe.keys
        entries = self.by_band.walk(probe.buckets, self.bands)
        rows: Ints = entries // self.bands
        bands: Ints = entries % self.bands
        if not rows.size:
            return rows
        columns = bands[:, None] * self.rows_per_band + np.arange(self.rows_per_band)
        values = table.signatures[rows[:, None], columns].astype(np.uint64)
        found = values @ _ROW_MIX[: self.rows_per_band] + _BAND_MIX[bands] == keys[bands]
        return distinct(rows[found])

    def band_keys(self, signature: npt.NDArray[np.uint16]) -> npt.NDArray[np.uint64]:
        """One 64-bit key per band of a stored signature, mixing the band number with the band's values."""
        values = signature.astype(np.uint64).reshape(self.bands, self.rows_per_band)
        keys: npt.NDArray[np.uint64] = values @ _ROW_MIX[: self.rows_per_band] + _BAND_MIX[: self.bands]
        return keys

    def _band_keys(self, signatures: npt.NDArray[np.uint16], rows: Ints, band: int) -> npt.NDArray[np.uint64]:
        """Band `band`'s key of the given rows of a signature matrix (only that band's columns are gathered)."""
        values = signatures[rows, band * self.rows_per_band : (band + 1) * self.rows_per_band].astype(np.uint64)
        keys: npt.NDArray[np.uint64] = values @ _ROW_MIX[: self.rows_per_band] + _BAND_MIX[band]
        return keys
