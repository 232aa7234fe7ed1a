"""Extraction quality: 4-gram shingle precision/recall of the clean stage against human-marked bodies."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from services.clean import CleanStage
from services.messages import CleanArticle, RawArticle

_TOKEN = re.compile(r"\w+")
_SHINGLE = 4
# Any fixed time: the metric does not look at it, and a constant keeps runs reproducible.
_FETCHED_AT = datetime(2020, 1, 1, tzinfo=UTC)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Multiset of 4-token shingles; a text shorter than 4 tokens is one shingle (none if empty)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < _SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + _SHINGLE]) for i in range(len(tokens) - _SHINGLE + 1))


def precision_recall(predicted: str, truth: str) -> tuple[float, float]:
    """Per-document shingle precision and recall (multiset overlap)."""
    pred, gold = shingles(predicted), shingles(truth)
    shared = sum((pred & gold).values())
    precision = shared / sum(pred.values()) if pred else 0.0
    recall = shared / sum(gold.values()) if gold else 0.0
    return precision, recall


@dataclass(frozen=True)
class Score:
    """Precision and recall averaged over documents, and F1 of those averages."""

    precision: float
    recall: float
    documents: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @classmethod
    def of(cls, pairs: Sequence[tuple[float, float]]) -> Score:
        if not pairs:
            return cls(0.0, 0.0, 0)
        return cls(sum(p for p, _ in pairs) / len(pairs), sum(r for _, r in pairs) / len(pairs), len(pairs))


@dataclass(frozen=True)
class ExtractionReport:
    """Extraction quality of the clean stage on HTML input and on flattened page text."""

    html: Score
    text: Score
    site_learning: bool

    def render(self) -> str:
        rows = [f"{'input':<6} {'F1':>6} {'P':>6} {'R':>6} {'docs':>5}"]
        for name, score in (("html", self.html), ("text", self.text)):
            rows.append(f"{name:<6} {score.f1:6.3f} {score.precision:6.3f} {score.recall:6.3f} {score.documents:5d}")
        rows.append(f"site learning: {'on' if self.site_learning else 'off'}")
        return "\n".join(rows)


def _score_stream(stage: CleanStage, raws: Iterable[tuple[RawArticle, str]]) -> Score:
    pairs: list[tuple[float, float]] = []
    for raw, truth in raws:
        (result,) = stage.process([raw])
        body = result.body if isinstance(result, CleanArticle) else ""
        pairs.append(precision_recall(body, truth))
    return Score.of(pairs)


def load_truth(data_dir: Path) -> dict[str, dict[str, str]]:
    """ground-truth.json: page id -> {"articleBody", "url"}, in a stable (sorted) order."""
    truth: dict[str, dict[str, str]] = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    return dict(sorted(truth.items()))


def html_events(data_dir: Path) -> list[tuple[RawArticle, str]]:
    """One raw HTML event per page, with its true body."""
    events = []
    for page_id, gold in load_truth(data_dir).items():
        markup = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", errors="replace")
        raw = RawArticle(id=page_id, url=gold.get("url"), fetched_at=_FETCHED_AT, html=markup)
        events.append((raw, gold["articleBody"]))
    return events


def text_events(data_dir: Path) -> list[tuple[RawArticle, str]]:
    """One raw flattened-text event per page, with its true body."""
    pages: dict[str, dict[str, str]] = json.loads((data_dir / "page-text.json").read_text(encoding="utf-8"))
    events = []
    for page_id, gold in load_truth(data_dir).items():
        raw = RawArticle(id=page_id, url=gold.get("url"), fetched_at=_FETCHED_AT, text=pages[page_id]["articleBody"])
        events.append((raw, gold["articleBody"]))
    return events


def evaluate_extraction(data_dir: Path, *, site_learning: bool = True) -> ExtractionReport:
    """Run a fresh CleanStage over the HTML pages and another over the flattened text pages."""
    html_score = _score_stream(CleanStage(site_learning=site_learning), html_events(data_dir))
    text_score = _score_stream(CleanStage(site_learning=site_learning), text_events(data_dir))
    return ExtractionReport(html=html_score, text=text_score, site_learning=site_learning)
