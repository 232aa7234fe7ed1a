"""The dedup stage: clean articles in, each one unique or a duplicate of an earlier one out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from pydantic import BaseModel

from services.dedup.decision import Decision, MatchPolicy, Probe
from services.dedup.minhash import MinHasher
from services.dedup.state import DedupState
from services.dedup.text import content_hash, tokens
from services.messages import CleanArticle, DuplicateArticle, UniqueArticle
from services.stage import Rejection


class DedupStage:
    """Exact, same-URL and near-duplicate detection over a time window; satisfies Stage[CleanArticle]."""

    name = "dedup"
    input_model = CleanArticle

    def __init__(
        self,
        state: DedupState,
        *,
        window: timedelta = timedelta(days=7),
        threshold: float = 0.5,
        num_perm: int = 128,
        bands: int = 32,
        shingle_size: int = 5,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        if num_perm % bands:
            raise ValueError(f"bands ({bands}) must divide num_perm ({num_perm})")
        self._state = state
        self._hasher = MinHasher(num_perm=num_perm, shingle_size=shingle_size)
        self._policy = MatchPolicy(
            window_seconds=window.total_seconds(),
            threshold=threshold,
            bands=bands,
            rows=num_perm // bands,
        )

    def process(self, batch: Sequence[CleanArticle]) -> list[BaseModel | Rejection]:
        return [self._process_one(article) for article in batch]

    def probe(self, article: CleanArticle) -> Probe:
        """The fingerprints of one article, as the state is asked with them."""
        words = tokens(article.body)
        has_words = bool(words)
        return Probe(
            article_id=article.id,
            event_time=article.fetched_at.timestamp(),
            content_hash=content_hash(words) if has_words else None,
            canonical_url=article.canonical_url,
            signature=self._hasher.signature(self._hasher.shingle_hashes(words)) if has_words else None,
        )

    def _process_one(self, article: CleanArticle) -> BaseModel:
        probe = self.probe(article)
        decision = self._state.decide(probe, self._policy)
        return _result(article, decision, probe.content_hash or content_hash([]))


def _result(article: CleanArticle, decision: Decision, body_hash: str) -> BaseModel:
    fields = article.model_dump()
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
