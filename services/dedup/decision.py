"""What the dedup stage decides about one article, and what it asks the state with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.dedup.minhash import Signature

DecisionKind = Literal["unique", "exact", "near", "url"]


@dataclass(frozen=True)
class Probe:
    """One article as the state sees it: id, event time and fingerprints."""

    article_id: str
    event_time: float  # fetched_at as epoch seconds: event time, so replays decide the same
    content_hash: str | None  # None for a body without words: such bodies are never exact duplicates
    canonical_url: str | None
    signature: Signature | None  # None for a body without words


@dataclass(frozen=True)
class Decision:
    """Unique, or a duplicate of an earlier article (`duplicate_of`) in the cluster `cluster_id`."""

    kind: DecisionKind
    duplicate_of: str | None
    cluster_id: str
    similarity: float

    @classmethod
    def unique(cls, article_id: str) -> Decision:
        return cls(kind="unique", duplicate_of=None, cluster_id=article_id, similarity=0.0)


@dataclass(frozen=True)
class MatchPolicy:
    """How the state matches: the time window, the LSH layout and the near-duplicate threshold."""

    window_seconds: float
    threshold: float
    bands: int
    rows: int
    index_duplicates: bool = True  # duplicates are indexed too, so a chain of partial copies still links

    def band_keys(self, signature: Signature) -> list[bytes]:
        """One bucket key per band: the band number and the band's raw signature bytes."""
        raw = signature.tobytes()
        width = self.rows * signature.itemsize
        return [band.to_bytes(2, "big") + raw[band * width : (band + 1) * width] for band in range(self.bands)]
