"""Extraction quality for scripts written without spaces (Chinese, Japanese, Thai): character bigrams.

Word tokens do not exist there, so each page is scored on the multiset of character bigrams of its
text with whitespace removed: P = shared / predicted, R = shared / true, F1 per page, then the mean
per-page F1 over pages; a page dead-lettered or with an empty body scores 0 and is counted.

The data is a folder with `events.jsonl` (raw events, one per page) and `truth.json` (id -> the
true body), as extraction-zh-dev is laid out.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from services.clean import CleanStage
from services.messages import CleanArticle, RawArticle


def bigrams(text: str) -> Counter[str]:
    """Multiset of character bigrams of `text` without its whitespace (one unigram if a single character)."""
    joined = "".join(text.split())
    if len(joined) < 2:
        return Counter([joined] if joined else [])
    return Counter(joined[i : i + 2] for i in range(len(joined) - 1))


def bigram_f1(predicted: str, truth: str) -> tuple[float, float, float]:
    """Per-page (precision, recall, F1) on character-bigram multisets."""
    pred, gold = bigrams(predicted), bigrams(truth)
    shared = sum((pred & gold).values())
    precision = shared / sum(pred.values()) if pred else 0.0
    recall = shared / sum(gold.values()) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def is_unspaced_extraction_dir(path: Path) -> bool:
    """A folder laid out as extraction-zh-dev (events.jsonl and truth.json)."""
    return (path / "events.jsonl").is_file() and (path / "truth.json").is_file()


@dataclass(frozen=True)
class PageScore:
    page_id: str
    precision: float
    recall: float
    f1: float
    outcome: str  # "article", "empty" or the dead-letter reason


@dataclass(frozen=True)
class UnspacedReport:
    pages: list[PageScore]

    @property
    def mean_f1(self) -> float:
        return sum(page.f1 for page in self.pages) / len(self.pages) if self.pages else 0.0

    @property
    def mean_precision(self) -> float:
        return sum(page.precision for page in self.pages) / len(self.pages) if self.pages else 0.0

    @property
    def mean_recall(self) -> float:
        return sum(page.recall for page in self.pages) / len(self.pages) if self.pages else 0.0

    @property
    def lost(self) -> int:
        """Pages dead-lettered or with an empty body."""
        return sum(1 for page in self.pages if page.outcome != "article")

    def render(self) -> str:
        rows = [f"{'page':<38} {'F1':>6} {'P':>6} {'R':>6}  outcome"]
        rows += [f"{p.page_id:<38} {p.f1:6.3f} {p.precision:6.3f} {p.recall:6.3f}  {p.outcome}" for p in self.pages]
        rows.append(
            f"character-bigram F1, mean per page: {self.mean_f1:.3f} (P {self.mean_precision:.3f} R {self.mean_recall:.3f}); "
            f"{self.lost} of {len(self.pages)} pages empty or dead-lettered"
        )
        return "\n".join(rows)


def evaluate_unspaced_extraction(data_dir: Path) -> UnspacedReport:
    """Run a fresh CleanStage over the folder's events, in file order, and score every page."""
    truth: dict[str, str] = json.loads((data_dir / "truth.json").read_text(encoding="utf-8"))
    stage = CleanStage()
    pages = []
    for line in (data_dir / "events.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = RawArticle.model_validate(json.loads(line))
        (result,) = stage.process([raw])
        body = result.body if isinstance(result, CleanArticle) else ""
        outcome = (
            ("article" if body.strip() else "empty") if isinstance(result, CleanArticle) else str(getattr(result, "reason", "rejected"))
        )
        precision, recall, f1 = bigram_f1(body, truth.get(str(raw.id), ""))
        pages.append(PageScore(str(raw.id), precision, recall, f1, outcome))
    return UnspacedReport(pages)
