"""Matching on the article columns: what an arriving article copies, and how a copy compares with its representative.

Exact body first, then the same canonical URL, then the most similar near duplicate among the LSH
candidates, each limited to fingerprints in the window; ties go to the earliest indexed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

from services.dedup.columns import HAS_HASH, HAS_SIGNATURE, HAS_URL, INDEXED, KINDS, ArticleColumns
from services.dedup.decision import DecisionKind, MatchPolicy, Probe
from services.dedup.row_index import Bands, RowIndex

Rows = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Window:
    """Fingerprints fetched before `start` (the watermark minus the window) are out; a match is at most `seconds` away."""

    start: float
    seconds: float


def key_of(text: str) -> int:
    """The 64-bit key of an id, an event key or a URL."""
    return xxhash.xxh3_64_intdigest(text.encode("utf-8"))


def hash_parts(content_hash: str) -> tuple[int, int]:
    """The body hash (xxh3-128 as 32 hex digits) as two 64-bit integers."""
    if len(content_hash) != 32:
        raise ValueError(f"content_hash must be 32 hex digits (xxh3-128), got {content_hash!r}")
    return int(content_hash[:16], 16), int(content_hash[16:], 16)


def content_hash(table: ArticleColumns, row: int) -> str | None:
    if not table.flags[row] & HAS_HASH:
        return None
    return f"{int(table.hash_high[row]):016x}{int(table.hash_low[row]):016x}"


def in_window(table: ArticleColumns, rows: Rows, window: Window) -> npt.NDArray[np.bool_]:
    """Whether each row's fingerprints are still indexed: indexed, and fetched at or after the window's start."""
    mask: npt.NDArray[np.bool_] = ((table.flags[rows] & INDEXED) > 0) & (table.fp_time[rows] >= window.start)
    return mask


def row_in_window(table: ArticleColumns, row: int, window: Window) -> bool:
    return bool(table.flags[row] & INDEXED) and float(table.fp_time[row]) >= window.start


def match(
    table: ArticleColumns, index: RowIndex, probe: Probe, bands: Bands | None, *, window: Window, policy: MatchPolicy
) -> tuple[int, DecisionKind, float] | None:
    """The row an arriving article copies, how, and the similarity; None for a new story."""
    if probe.content_hash is not None and (same := index.rows_by_hash(table, *hash_parts(probe.content_hash))):
        rows = _usable(table, same, probe, window)
        if rows.size:
            return int(rows[np.argmin(table.order[rows])]), "exact", 1.0
    if probe.canonical_url is not None and (same := index.rows_by_url(table, key_of(probe.canonical_url))):
        rows = _usable(table, same, probe, window)
        if rows.size:
            row = int(rows[np.argmin(table.order[rows])])
            similarity = 0.0 if bands is None else _scored(table, bands.signature, probe.shingles, row, policy)
            return row, "url", similarity
    if bands is None:
        return None
    rows = _usable(table, index.band_candidates(table, bands), probe, window)
    rows = rows[(table.flags[rows] & HAS_SIGNATURE) > 0]
    if not rows.size:
        return None
    agreements = np.count_nonzero(table.signatures[rows] == bands.signature, axis=1)
    scores = policy.scores(agreements, bands.signature.size, probe.shingles, table.shingles[rows])
    near = ~np.isnan(scores)
    if not near.any():
        return None
    rows, scores = rows[near], scores[near]
    best = scores == scores.max()  # ties: the earliest indexed
    return int(rows[best][np.argmin(table.order[rows[best]])]), "near", float(scores.max())


def copy_of(table: ArticleColumns, row: int, representative: int, window: Window, policy: MatchPolicy) -> tuple[DecisionKind, float]:
    """A copy's kind and similarity against the representative itself (not the member it matched on arrival)."""
    mine, theirs = int(table.flags[row]), int(table.flags[representative])
    indexed = row_in_window(table, row, window) and row_in_window(table, representative, window)
    both_signed = indexed and bool(mine & theirs & HAS_SIGNATURE)
    if mine & theirs & HAS_HASH and content_hash(table, row) == content_hash(table, representative):
        return "exact", 1.0
    if mine & theirs & HAS_URL and int(table.url_key[row]) == int(table.url_key[representative]):
        if not indexed:
            return "url", float(table.similarity[row])
        return "url", _scored(table, table.signatures[row], int(table.shingles[row]), representative, policy) if both_signed else 0.0
    if both_signed:
        return "near", _scored(table, table.signatures[row], int(table.shingles[row]), representative, policy)
    kind = KINDS[int(table.kind[row])]
    return ("near" if kind == "exact" else kind), float(table.similarity[row])  # an exact copy of another member: near


def _usable(table: ArticleColumns, rows: list[int] | Rows, probe: Probe, window: Window) -> Rows:
    """Of `rows`, those indexed in the window and within the window of the probe's event time."""
    found = np.asarray(rows, dtype=np.int64)
    return found[in_window(table, found, window) & (np.abs(table.fp_time[found] - probe.event_time) <= window.seconds)]


def _scored(table: ArticleColumns, signature: npt.NDArray[np.uint16], shingles: int, other: int, policy: MatchPolicy) -> float:
    """Similarity reported for a copy that is not exact: the near-duplicate score, else the Jaccard estimate."""
    if not table.flags[other] & HAS_SIGNATURE:
        return 0.0
    agreements = np.array([np.count_nonzero(table.signatures[other] == signature)])
    score = float(policy.scores(agreements, signature.size, shingles, table.shingles[other : other + 1])[0])
    return float(agreements[0]) / signature.size if np.isnan(score) else score
