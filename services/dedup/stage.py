"""The dedup stage: clean articles in, each one unique or a duplicate of an earlier one out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from pydantic import BaseModel

from services.dedup.decision import Decision, DedupStore, MatchPolicy, Probe
from services.dedup.minhash import MinHasher
from services.dedup.text import content_hash, tokens
from services.messages import CleanArticle, DuplicateArticle, UniqueArticle
from services.stage import Rejection

# Chosen on dedup-dev and CoNLL-2003 valid (see services/dedup/README.md): 64 bands of 2 rows find
# pages whose body is a small part of the page; Jaccard 0.6 and containment 0.8 keep templated
# Reuters reports apart.
DEFAULT_JACCARD = 0.6
DEFAULT_CONTAINMENT = 0.8


class DedupStage:
    """Exact, same-URL and near-duplicate detection over a time window; satisfies Stage[CleanArticle]."""

    name = "dedup"
    input_model = CleanArticle

    def __init__(
        self,
        state: DedupStore,
        *,
        window: timedelta = timedelta(days=7),
        decision_retention: timedelta = timedelta(days=14),
        threshold: float = DEFAULT_JACCARD,
        containment_threshold: float = DEFAULT_CONTAINMENT,
        num_perm: int = 128,
        bands: int = 64,
        shingle_size: int = 5,
        index_duplicates: bool = True,
    ) -> None:
        if not 0.0 < threshold <= 1.0 or not 0.0 < containment_threshold <= 1.0:
            raise ValueError(f"thresholds must be in (0, 1], got {threshold} and {containment_threshold}")
        if num_perm % bands or not 0 < bands <= 512 or num_perm // bands > 512:
            raise ValueError(f"bands ({bands}) must divide num_perm ({num_perm}), both per band and bands at most 512")
        self._state = state
        self._hasher = MinHasher(num_perm=num_perm, shingle_size=shingle_size)
        self.policy = MatchPolicy(
            window_seconds=window.total_seconds(),
            decision_retention_seconds=decision_retention.total_seconds(),
            jaccard_threshold=threshold,
            containment_threshold=containment_threshold,
            bands=bands,
            rows=num_perm // bands,
            index_duplicates=index_duplicates,
        )

    @property
    def ready(self) -> bool:
        return self._state.ready

    def checkpoint(self) -> None:
        """Make the batch's decisions durable; the chassis calls this before committing the batch's offsets."""
        self._state.flush()

    def process(self, batch: Sequence[CleanArticle]) -> list[BaseModel | Rejection]:
        probes = [self.probe(article) for article in batch]
        decisions = self._state.decide(probes, self.policy)
        return [_result(article, probe, decision) for article, probe, decision in zip(batch, probes, decisions, strict=True)]

    def probe(self, article: CleanArticle) -> Probe:
        """The fingerprints of one article, as the state is asked with them."""
        words = tokens(article.body)
        shingles = self._hasher.shingle_hashes(words)
        return Probe(
            article_id=article.id,
            event_time=article.fetched_at.timestamp(),
            content_hash=content_hash(words) if words else None,
            canonical_url=article.canonical_url,
            signature=self._hasher.signature(shingles) if words else None,
            shingles=int(shingles.size),
        )


def _result(article: CleanArticle, probe: Probe, decision: Decision) -> BaseModel:
    fields = article.model_dump()
    body_hash = probe.content_hash or content_hash([])
    if decision.kind == "unique" or decision.duplicate_of is None:
        return UniqueArticle(**fields, cluster_id=decision.cluster_id, content_hash=body_hash)
    return DuplicateArticle(
        **fields,
        cluster_id=decision.cluster_id,
        content_hash=body_hash,
        duplicate_of=decision.duplicate_of,
        kind=decision.kind,
        similarity=decision.similarity,
    )
