"""Data tests: Chinese pages (extraction-zh-dev) and Reuters wire items (CoNLL-2003 valid) are not lost."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from services.clean import CleanStage
from services.eval.entities import read_conll
from services.eval.unspaced_extraction import evaluate_unspaced_extraction
from services.messages import CleanArticle, RawArticle

# Measured: 0.915 mean per-page character-bigram F1, no page lost (`newsflow eval extraction ../shared/data/extraction-zh-dev`).
_ZH_F1_FLOOR = 0.90


def test_no_chinese_page_is_lost_and_bigram_f1_holds(shared_data: Path) -> None:
    report = evaluate_unspaced_extraction(shared_data / "extraction-zh-dev")
    assert len(report.pages) == 20
    assert report.lost == 0, [page for page in report.pages if page.outcome != "article"]
    assert report.mean_f1 >= _ZH_F1_FLOOR


def test_no_conll_valid_document_is_dead_lettered(shared_data: Path) -> None:
    documents = [document.text for document in read_conll(shared_data / "conll2003" / "valid.txt")]
    assert len(documents) == 216
    fetched = datetime(1996, 8, 30, tzinfo=UTC)
    stage = CleanStage()
    results = stage.process([RawArticle(id=f"conll-{number}", fetched_at=fetched, text=text) for number, text in enumerate(documents)])
    lost = [(number, result) for number, result in enumerate(results) if not isinstance(result, CleanArticle)]
    assert lost == []
    kinds = Counter(result.content_kind for result in results if isinstance(result, CleanArticle))
    # Reuters wire: stories, briefs and results tables all occur, and each is a real share of the set.
    assert kinds["story"] >= 60
    assert kinds["brief"] >= 40
    assert kinds["table"] >= 20
