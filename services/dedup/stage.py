"""The dedup stage: clean articles in; per story one representative unique, the copies as duplicates of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel

from services.dedup.decision import Decision, DedupStore, MatchPolicy, Probe
from services.dedup.hold import HoldBuffer, Waiting
from services.dedup.minhash import MinHasher
from services.dedup.text import content_hash, tokens
from services.messages import CleanArticle, DuplicateArticle, Lineage, UniqueArticle
from services.stage import Held, Rejection

# Chosen on dedup-dev and CoNLL-2003 valid (see services/dedup/README.md): 64 bands of 2 rows find
# pages whose body is a small part of the page; Jaccard 0.6 and containment 0.8 keep templated
# Reuters reports apart.
DEFAULT_JACCARD = 0.6
DEFAULT_CONTAINMENT = 0.8


class DedupStage:
    """Exact, same-URL and near-duplicate detection over a time window; satisfies Stage[CleanArticle] and Releasing.

    With a grace period, a verdict is held until the watermark (the latest fetched_at consumed) passes
    the article's origin time plus the grace, so a story's earliest copy represents it even when it
    arrives after a later one.
    """

    name = "dedup"
    input_model = CleanArticle

    def __init__(
        self,
        state: DedupStore,
        *,
        window: timedelta = timedelta(days=7),
        grace: timedelta = timedelta(0),
        hold_path: Path | None = None,
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
        self._hold = HoldBuffer(grace.total_seconds(), hold_path)
        self._carried: list[BaseModel] = []
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

    @property
    def held(self) -> int:
        """Events waiting for their verdict (or for the delivery of it)."""
        return len(self._hold)

    def checkpoint(self) -> None:
        """Make the batch's decisions and waiting events durable; the chassis calls this before committing the batch's offsets."""
        self._state.flush()
        self._hold.checkpoint()

    def process(self, batch: Sequence[CleanArticle]) -> list[BaseModel | Rejection]:
        """For callers outside the chassis: what is returned counts as delivered; later outputs come from `release` and `drain`."""
        results = self.process_at(batch, [article.lineage for article in batch])
        self.delivered()
        return results

    def process_at(self, batch: Sequence[CleanArticle], positions: Sequence[Lineage | None]) -> list[BaseModel | Rejection]:
        probes = [self.probe(article, position) for article, position in zip(batch, positions, strict=True)]
        admissions = self._state.admit(probes, self.policy)
        results: list[BaseModel | Rejection] = []
        slots: dict[tuple[str, str], int] = {}
        for article, probe, position, admission in zip(batch, probes, positions, admissions, strict=True):
            self._hold.observe(probe.event_time)
            if admission.decision is not None:
                results.append(_result(article, probe.content_hash, admission.decision))
                continue
            self._hold.hold(probe.article_id, probe.event_key, admission.release_after, article.model_copy(update={"lineage": position}))
            slots[(probe.article_id, probe.event_key)] = len(results)
            results.append(Held())
        for item, result in self._settle(self._hold.due()):
            slot = slots.get((item.article_id, item.event_key))
            if slot is None:
                self._carried.append(result)  # held in an earlier batch: published with this one
            else:
                results[slot] = result
        return results

    def release(self) -> list[BaseModel]:
        carried, self._carried = self._carried, []
        return carried

    def delivered(self) -> None:
        self._hold.confirm()

    def drain(self) -> list[BaseModel]:
        return [*self.release(), *(result for _, result in self._settle(self._hold.due(drain=True)))]

    def probe(self, article: CleanArticle, position: Lineage | None = None) -> Probe:
        """The fingerprints of one event of an article, as the state is asked with them."""
        words = tokens(article.body)
        shingles = self._hasher.shingle_hashes(words)
        fetched = article.fetched_at.timestamp()
        published = article.published_at.timestamp() if article.published_at is not None else fetched
        return Probe(
            article_id=article.id,
            event_time=fetched,
            origin_time=min(published, fetched),  # a page is not published after it was fetched: a later date is a clock error
            event_key=event_key(article, position),
            content_hash=content_hash(words) if words else None,
            canonical_url=article.canonical_url,
            signature=self._hasher.signature(shingles) if words else None,
            shingles=int(shingles.size),
        )

    def _settle(self, due: list[Waiting]) -> list[tuple[Waiting, BaseModel]]:
        fresh = [item for item in due if item.output is None]
        if fresh:
            decisions = self._state.settle([(item.article_id, item.event_key) for item in fresh], self.policy)
            for item, decision in zip(fresh, decisions, strict=True):
                item.output = _result(item.article, None, decision)
        return [(item, item.output) for item in due if item.output is not None]


def event_key(article: CleanArticle, position: Lineage | None) -> str:
    """Which event this is: where it entered the pipeline (its upstream lineage), else where it was consumed.

    A redelivery or a replay of the same offsets has the same key and keeps its verdict; a resend is a new
    event with a new key. Without either, the fetch time stands in.
    """
    origin = article.lineage or position
    if origin is not None:
        return f"{origin.topic}/{origin.partition}/{origin.offset}"
    return f"fetched/{article.fetched_at.isoformat()}"


def _result(article: CleanArticle, body_hash: str | None, decision: Decision) -> BaseModel:
    fields = article.model_dump()
    body_hash = body_hash or content_hash(tokens(article.body))
    if decision.published_as_unique:
        return UniqueArticle(
            **fields,
            cluster_id=decision.cluster_id,
            content_hash=body_hash,
            revision=decision.revision,
            previous_content_hash=decision.previous_hash,
        )
    if decision.kind == "unique":
        raise ValueError(f"a unique verdict for {article.id!r} is published as unique, not as a duplicate")
    return DuplicateArticle(
        **fields,
        cluster_id=decision.cluster_id,
        content_hash=body_hash,
        duplicate_of=decision.duplicate_of or decision.cluster_id,
        kind=decision.kind,
        similarity=decision.similarity,
        revision=decision.revision,
        previous_content_hash=decision.previous_hash,
    )
