"""What the dedup stage decides about one article, what it asks the state with, and how it matches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from services.dedup.minhash import Signature

DecisionKind = Literal["unique", "exact", "near", "url", "resend", "update"]

# Fixed multipliers for band keys (read-only): the same keys in every process and after a restart.
_MIX = np.random.default_rng(0x5EED).integers(0, 2**63, size=1024, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_ROW_MIX, _BAND_MIX = _MIX[:512], _MIX[512:]


@dataclass(frozen=True, slots=True)
class Probe:
    """One event of an article as the state sees it: id, which event, its times and fingerprints."""

    article_id: str
    event_time: float  # fetched_at as epoch seconds: the window and the watermark run on it, so replays decide the same
    origin_time: float  # published_at, else fetched_at (never later): the earliest member of a story represents it
    event_key: str  # which event this is (its position upstream): the same key again is a redelivery, not a resend
    content_hash: str | None  # None for a body without words: such bodies are never exact duplicates
    canonical_url: str | None
    signature: Signature | None  # None for a body without words
    shingles: int  # distinct shingles behind the signature, for containment estimates


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one event of an article.

    `unique`: the story's representative (`cluster_id` is its own id). `exact`, `near`, `url`: a copy of
    the representative `duplicate_of` (always the representative, never another copy). `resend`: the same
    id with the same body again. `update`: the same id with a changed body, `revision` counting from 1
    and `previous_hash` the body hash of the revision before; an update of a representative is published
    as unique.
    """

    kind: DecisionKind
    duplicate_of: str | None
    cluster_id: str
    similarity: float
    revision: int = 1
    previous_hash: str | None = None

    @classmethod
    def unique(cls, article_id: str) -> Decision:
        return cls(kind="unique", duplicate_of=None, cluster_id=article_id, similarity=0.0)

    @property
    def published_as_unique(self) -> bool:
        """Whether the event goes out on the unique topic: a representative, or an update of one."""
        return self.kind == "unique" or (self.kind == "update" and self.duplicate_of is None)


@dataclass(frozen=True, slots=True)
class Admission:
    """What the state says on an event's arrival: its verdict now, or that it waits (`decision` None).

    A waiting event is settled once the watermark passes `release_after` plus the grace; `release_after`
    is its origin time, or for a later event of an id still waiting, that first event's.
    """

    decision: Decision | None
    release_after: float


@dataclass(frozen=True)
class MatchPolicy:
    """How a state matches: time window, LSH layout and the near-duplicate thresholds.

    A near duplicate either has an estimated Jaccard similarity >= `jaccard_threshold`, or one body
    is (estimated) mostly contained in the other: a page with its navigation around the same body.
    Containment is estimated from Jaccard and the two shingle counts, so it needs enough agreeing
    permutations and a big enough smaller text to not be noise.
    """

    window_seconds: float
    decision_retention_seconds: float
    jaccard_threshold: float
    containment_threshold: float
    bands: int
    rows: int
    min_containment_shingles: int = 50
    min_agreements: int = 6
    index_duplicates: bool = True  # duplicates are indexed too, so partial copies still link through each other

    def band_hashes(self, signature: Signature) -> npt.NDArray[np.uint32]:
        """One 32-bit bucket key per band, mixing the band number with the band's values."""
        rows = signature.astype(np.uint64).reshape(self.bands, self.rows)
        mixed = rows @ _ROW_MIX[: self.rows] + _BAND_MIX[: self.bands]
        keys: npt.NDArray[np.uint32] = (mixed >> np.uint64(32)).astype(np.uint32)
        return keys

    def band_hashes_of_many(self, signatures: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
        """`band_hashes` of each row of a (articles x permutations) matrix, as an (articles x bands) matrix."""
        rows = signatures.astype(np.uint64).reshape(signatures.shape[0], self.bands, self.rows)
        mixed = rows @ _ROW_MIX[: self.rows] + _BAND_MIX[: self.bands]
        keys: npt.NDArray[np.uint32] = (mixed >> np.uint64(32)).astype(np.uint32)
        return keys

    def scores(
        self, agreements: npt.NDArray[np.int64], size: int, shingles: int, other_shingles: npt.NDArray[np.int32]
    ) -> npt.NDArray[np.float64]:
        """`score` of one signature against several, from their agreeing permutations; NaN where not a near duplicate."""
        jaccard = agreements / size
        smaller = np.minimum(shingles, other_shingles)
        with np.errstate(divide="ignore", invalid="ignore"):
            containment = np.minimum(1.0, jaccard * (shingles + other_shingles) / ((1.0 + jaccard) * smaller))
        contained = (smaller >= self.min_containment_shingles) & (agreements >= self.min_agreements)
        contained &= containment >= self.containment_threshold
        return np.where(jaccard >= self.jaccard_threshold, jaccard, np.where(contained, containment, np.nan))

    def score(self, signature: Signature, shingles: int, other: Signature, other_shingles: int) -> float | None:
        """Estimated similarity when the pair is a near duplicate, else None."""
        agreements = int(np.count_nonzero(signature == other))
        jaccard = agreements / signature.size
        if jaccard >= self.jaccard_threshold:
            return jaccard
        smaller = min(shingles, other_shingles)
        if smaller < self.min_containment_shingles or agreements < self.min_agreements:
            return None
        containment = min(1.0, jaccard * (shingles + other_shingles) / ((1.0 + jaccard) * smaller))
        return containment if containment >= self.containment_threshold else None


class DedupStore(Protocol):
    """Where decisions, stories and fingerprints live: this process (DedupState) or Redis (RedisDedupState)."""

    @property
    def ready(self) -> bool:
        """Whether the store can take decisions now."""
        ...

    def admit(self, probes: list[Probe], policy: MatchPolicy) -> list[Admission]:
        """Per probe, in order: the stored verdict of a known event; a resend or update of a settled id;
        else match, join the matched story (or start one), index, and wait to be settled.

        Each probe's check-and-insert is atomic, so copies admitted at once by stages sharing the store
        join one story.
        """
        ...

    def settle(self, events: list[tuple[str, str]], policy: MatchPolicy) -> list[Decision]:
        """Verdicts of waiting events (article id, event key), in order; settling twice gives the same verdict.

        The first settled member of a story fixes its representative: the member with the earliest
        origin time admitted so far. Every other member is a duplicate of that one.
        """
        ...

    def flush(self) -> None:
        """Make the decisions so far durable (the chassis may call it before committing offsets)."""
        ...

    def close(self) -> None:
        """Persist what needs persisting and release resources."""
        ...
