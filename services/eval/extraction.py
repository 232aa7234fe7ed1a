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

from trafilatura.utils import load_html

from services.clean import CleanStage
from services.clean.html_flatten import flatten
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
class SiteStreamReport:
    """Flat-text quality on a many-pages-per-site stream, with and without site learning."""

    learning_off: Score
    learning_on: Score
    learning_on_warm: Score  # pages after each site's first five
    learning_off_warm: Score

    def render(self) -> str:
        rows = [f"{'site learning':<22} {'F1':>6} {'P':>6} {'R':>6} {'docs':>5}"]
        for name, score in (
            ("off", self.learning_off),
            ("on", self.learning_on),
            ("off, pages 6+ of site", self.learning_off_warm),
            ("on, pages 6+ of site", self.learning_on_warm),
        ):
            rows.append(f"{name:<22} {score.f1:6.3f} {score.precision:6.3f} {score.recall:6.3f} {score.documents:5d}")
        return "\n".join(rows)


@dataclass(frozen=True)
class ExtractionReport:
    """Extraction quality of the clean stage on HTML input and on flattened page text."""

    html: Score
    text: Score
    site_learning: bool
    html_as_text: Score | None = None  # the HTML flattened by us and read as text: a second flattener

    def render(self) -> str:
        rows = [f"{'input':<12} {'F1':>6} {'P':>6} {'R':>6} {'docs':>5}"]
        named = [("html", self.html), ("text", self.text)] + ([("html as text", self.html_as_text)] if self.html_as_text else [])
        for name, score in named:
            rows.append(f"{name:<12} {score.f1:6.3f} {score.precision:6.3f} {score.recall:6.3f} {score.documents:5d}")
        rows.append(f"site learning: {'on' if self.site_learning else 'off'}")
        return "\n".join(rows)


def _stream_pairs(stage: CleanStage, raws: Iterable[tuple[RawArticle, str]]) -> list[tuple[float, float]]:
    pairs: list[tuple[float, float]] = []
    for raw, truth in raws:
        (result,) = stage.process([raw])
        body = result.body if isinstance(result, CleanArticle) else ""
        pairs.append(precision_recall(body, truth))
    return pairs


def _score_stream(stage: CleanStage, raws: Iterable[tuple[RawArticle, str]]) -> Score:
    return Score.of(_stream_pairs(stage, raws))


def extraction_dir(data_dir: Path) -> Path:
    """The extraction-dev folder, given it or the data folder that holds it."""
    nested = data_dir / "extraction-dev"
    return nested if nested.is_dir() and not (data_dir / "ground-truth.json").is_file() else data_dir


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


def html_as_text_events(data_dir: Path) -> list[tuple[RawArticle, str]]:
    """The HTML pages flattened by the stage's own flattener and given as `text`: the text path is
    then judged on a second way of breaking a page into lines, not only on page-text.json's."""
    events = []
    for raw, truth in html_events(data_dir):
        tree = load_html(raw.html)
        text = "\n".join(flatten(tree)) if tree is not None else ""
        events.append((RawArticle(id=raw.id, url=raw.url, fetched_at=raw.fetched_at, text=text or "-"), truth))
    return events


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _site_frame(page_text: str, truth: str) -> tuple[list[str], list[str], list[tuple[float, str]]] | None:
    """The page around its article: lines above, lines below, and the short in-article chrome lines
    (ads, captions) with their relative position. None when the article cannot be located."""
    lines = _paragraphs(page_text)
    inside = [i for i, line in enumerate(lines) if len(_TOKEN.findall(line)) >= 8 and line in truth]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    span = last - first + 1
    chrome = [
        ((i - first) / span, lines[i]) for i in range(first, last + 1) if lines[i] not in truth and len(_TOKEN.findall(lines[i])) <= 8
    ]
    return lines[:first], lines[last + 1 :], chrome


def site_stream_events(data_dir: Path, *, sites: int = 20, pages_per_site: int = 15) -> list[tuple[RawArticle, str]]:
    """A stream with many pages per site, made from the dev pages.

    Each of the first `sites` dev pages (sorted by id) is a site's frame: its own navigation,
    footer and in-article chrome, exactly as flattened. Into that frame go the human-marked
    bodies of `pages_per_site` other dev articles. The stream interleaves sites round-robin, so a
    site's memory grows as the stream runs. Truth is the inserted body.
    """
    truths = load_truth(data_dir)
    texts: dict[str, dict[str, str]] = json.loads((data_dir / "page-text.json").read_text(encoding="utf-8"))
    ids = list(truths)
    frames = []
    for page_id in ids:
        frame = _site_frame(texts[page_id]["articleBody"], truths[page_id]["articleBody"])
        if frame is not None:
            frames.append((page_id, frame))
        if len(frames) == sites:
            break
    per_site: list[list[tuple[RawArticle, str]]] = []
    for number, (page_id, (above, below, chrome)) in enumerate(frames):
        donors = [other for other in ids[number + 1 :] + ids[: number + 1] if other != page_id][:pages_per_site]
        pages = []
        for index, donor in enumerate(donors):
            body = _paragraphs(truths[donor]["articleBody"])
            for position, line in reversed(chrome):
                body.insert(round(position * len(body)), line)
            url = f"{truths[page_id]['url']}?page={index}"
            raw = RawArticle(id=f"{page_id[:8]}-{index}", url=url, fetched_at=_FETCHED_AT, text="\n".join(above + body + below))
            pages.append((raw, truths[donor]["articleBody"]))
        per_site.append(pages)
    return [site[i] for i in range(pages_per_site) for site in per_site if i < len(site)]


def evaluate_extraction(data_dir: Path, *, site_learning: bool = True) -> ExtractionReport:
    """Run a fresh CleanStage over the HTML pages and another over the flattened text pages.

    `data_dir` is the extraction-dev folder or the data folder that holds it.
    """
    data_dir = extraction_dir(data_dir)
    html_score = _score_stream(CleanStage(site_learning=site_learning), html_events(data_dir))
    text_score = _score_stream(CleanStage(site_learning=site_learning), text_events(data_dir))
    html_as_text = _score_stream(CleanStage(site_learning=site_learning), html_as_text_events(data_dir))
    return ExtractionReport(html=html_score, text=text_score, site_learning=site_learning, html_as_text=html_as_text)


def evaluate_site_stream(data_dir: Path, *, sites: int = 20, pages_per_site: int = 15, warm_up: int = 5) -> SiteStreamReport:
    """Flat-text F1 on `site_stream_events`, site learning off and on (fresh stages)."""
    data_dir = extraction_dir(data_dir)
    events = site_stream_events(data_dir, sites=sites, pages_per_site=pages_per_site)
    warm = slice(warm_up * sites, None)  # round-robin: page k of every site sits at [k*sites, (k+1)*sites)
    off = _stream_pairs(CleanStage(site_learning=False), events)
    on = _stream_pairs(CleanStage(site_learning=True), events)
    return SiteStreamReport(
        learning_off=Score.of(off), learning_on=Score.of(on), learning_on_warm=Score.of(on[warm]), learning_off_warm=Score.of(off[warm])
    )
