"""Duplicate detection quality: pair precision and recall on labelled events, false merges on distinct documents."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from services.dedup import DedupStage, DedupState
from services.messages import CleanArticle, DuplicateArticle, RawArticle
from services.stage import Rejection

# Events carry no time; one second apart keeps the whole file inside any window, in file order.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_DOCSTART = "-DOCSTART-"


@dataclass(frozen=True)
class PairScores:
    """Pair precision and recall of predicted clusters against true groups."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


@dataclass(frozen=True)
class DuplicatesReport:
    """Pair P/R of the dedup stage on one events file."""

    events: int
    groups: int
    clusters: int
    rejected_by_clean: int
    cleaned: bool
    scores: PairScores
    chains: int = 0
    unique: int = 0

    def render(self) -> str:
        mode = "after clean" if self.cleaned else "raw text (no clean)"
        return (
            f"duplicates, {mode}: {self.events} events, {self.groups} groups -> {self.clusters} clusters; "
            f"pair P {self.scores.precision:.4f} R {self.scores.recall:.4f} "
            f"({self.scores.correct_pairs}/{self.scores.predicted_pairs} predicted, {self.scores.true_pairs} true); "
            f"unique: {self.unique}; duplicate_of chains: {self.chains}; rejected by clean: {self.rejected_by_clean}"
        )


def _pairs(sizes: Iterable[int]) -> int:
    return sum(size * (size - 1) // 2 for size in sizes)


def clusters_from_links(ids: Sequence[str], duplicate_of: dict[str, str]) -> dict[str, str]:
    """Cluster root of every id: the connected components of the `duplicate_of` links (union-find)."""
    parent = {event_id: event_id for event_id in ids}

    def find(event_id: str) -> str:
        while parent.setdefault(event_id, event_id) != event_id:
            parent[event_id] = parent[parent[event_id]]
            event_id = parent[event_id]
        return event_id

    for event_id, target in duplicate_of.items():
        parent[find(event_id)] = find(target)
    return {event_id: find(event_id) for event_id in ids}


def pair_scores(groups: dict[str, str], duplicate_of: dict[str, str]) -> PairScores:
    """Pair P/R: same-cluster pairs sharing a group over all same-cluster pairs, and over all same-group pairs."""
    roots = clusters_from_links(list(groups), duplicate_of)
    return PairScores(
        true_pairs=_pairs(Counter(groups.values()).values()),
        predicted_pairs=_pairs(Counter(roots.values()).values()),
        correct_pairs=_pairs(Counter((roots[event_id], group) for event_id, group in groups.items()).values()),
    )


def _raw_clean(event_id: str, fetched_at: datetime, text: str) -> CleanArticle:
    return CleanArticle(id=event_id, fetched_at=fetched_at, body=text, word_count=len(text.split()), removed_chars=0)


class _RawStage(Protocol):
    def process(self, batch: Sequence[RawArticle]) -> list[BaseModel | Rejection]: ...


def _cleaner() -> _RawStage | None:
    """services.clean.CleanStage when it exists (it is built alongside this stage), else None."""
    try:
        from services.clean import CleanStage  # noqa: PLC0415 - optional until the clean stage lands
    except ImportError:
        return None
    return CleanStage()


def _articles(events: Sequence[dict[str, Any]], *, clean: bool) -> list[CleanArticle | Rejection]:
    """Events (`text`, or `html`) as clean articles; without cleaning, an HTML rendering is its markup as it is."""
    times = [_EPOCH + timedelta(seconds=index) for index in range(len(events))]
    cleaner = _cleaner() if clean else None
    if cleaner is None:
        return [_raw_clean(event["event_id"], at, event.get("text") or event["html"]) for event, at in zip(events, times, strict=True)]
    raws = [
        RawArticle(id=event["event_id"], fetched_at=at, text=event.get("text"), html=event.get("html"))
        for event, at in zip(events, times, strict=True)
    ]
    return [
        result if isinstance(result, CleanArticle | Rejection) else Rejection("unexpected", type(result).__name__)
        for result in cleaner.process(raws)
    ]


def decide_links(articles: Sequence[CleanArticle], stage: DedupStage) -> dict[str, str]:
    """`duplicate_of` of every article the stage calls a duplicate, processed in order; held verdicts drained at the end."""
    links: dict[str, str] = {}
    for result in [*stage.process(articles), *stage.drain()]:
        if isinstance(result, DuplicateArticle):
            links[result.id] = result.duplicate_of
    return links


def chains(links: dict[str, str]) -> int:
    """Duplicates whose `duplicate_of` is itself a duplicate: a consumer following the link once misses the representative."""
    return sum(1 for target in links.values() if target in links)


def evaluate_duplicates(events_path: Path, *, clean: bool = True, stage: DedupStage | None = None) -> DuplicatesReport:
    """Run (clean and) dedup over the events in file order and score the duplicate links by pair P/R.

    `events_path` is a JSON-lines file of labelled events (`event_id`, `group`, `text` or `html`), or an
    extraction folder (`events.jsonl` of pages, `truth.json`), whose renderings are built first (the
    HTML ones only when cleaning: without clean, dedup would read markup).
    """
    if events_path.is_dir():
        from services.eval.renderings import build_renderings  # noqa: PLC0415 - pulls in trafilatura

        return evaluate_events(build_renderings(events_path, html=clean), clean=clean, stage=stage)
    events = [json.loads(line) for line in events_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return evaluate_events(events, clean=clean, stage=stage)


def evaluate_events(events: Sequence[dict[str, Any]], *, clean: bool = True, stage: DedupStage | None = None) -> DuplicatesReport:
    """Pair P/R of (clean and) dedup over labelled events, in order."""
    articles = _articles(events, clean=clean)
    kept = [article for article in articles if isinstance(article, CleanArticle)]
    links = decide_links(kept, stage or DedupStage(DedupState.open(None)))
    groups = {event["event_id"]: event["group"] for event in events}
    scores = pair_scores(groups, links)
    return DuplicatesReport(
        events=len(events),
        groups=len(set(groups.values())),
        clusters=len(set(clusters_from_links(list(groups), links).values())),
        rejected_by_clean=len(articles) - len(kept),
        cleaned=clean and _cleaner() is not None,
        scores=scores,
        chains=chains(links),
        unique=len(kept) - len(links),
    )


def conll_documents(conll_path: Path) -> list[str]:
    """Documents of a CoNLL-2003 file: tokens joined by spaces, sentences by newlines."""
    documents: list[list[str]] = []
    sentence: list[str] = []
    for line in [*conll_path.read_text(encoding="utf-8").splitlines(), ""]:
        word = line.split(" ", 1)[0]
        if word == _DOCSTART:
            documents.append([])
        elif word:
            sentence.append(word)
        elif sentence:
            if not documents:
                documents.append([])
            documents[-1].append(" ".join(sentence))
            sentence = []
    return ["\n".join(sentences) for sentences in documents if sentences]


def evaluate_hard_negatives(conll_path: Path, *, stage: DedupStage | None = None) -> int:
    """Pairs merged among documents that are all different articles (every merged pair is a false one)."""
    documents = conll_documents(conll_path)
    ids = [f"conll-{index}" for index in range(len(documents))]
    articles = [
        _raw_clean(doc_id, _EPOCH + timedelta(seconds=index), text) for index, (doc_id, text) in enumerate(zip(ids, documents, strict=True))
    ]
    links = decide_links(articles, stage or DedupStage(DedupState.open(None)))
    roots = clusters_from_links(ids, links)
    return _pairs(Counter(roots.values()).values())
