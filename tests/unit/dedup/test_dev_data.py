"""Quality on the evaluation data: pair P/R on dedup-dev and false merges among CoNLL-2003 documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.eval.duplicates import conll_documents, evaluate_duplicates, evaluate_hard_negatives


@pytest.mark.data
def test_dev_pair_precision_and_recall_on_raw_renderings(shared_data: Path) -> None:
    """Whole pages with their navigation included: measured P 1.0000 (21938/21939 pairs), R 0.9965."""
    report = evaluate_duplicates(shared_data / "dedup-dev" / "events.jsonl", clean=False)
    assert report.events == 1973
    assert report.scores.precision >= 0.999
    assert report.scores.recall >= 0.995


@pytest.mark.data
def test_conll_documents_are_merged_at_most_once(shared_data: Path) -> None:
    """216 different Reuters articles, many from templates; measured: 1 merged pair."""
    conll = shared_data / "conll2003" / "valid.txt"
    assert len(conll_documents(conll)) == 216
    assert evaluate_hard_negatives(conll) <= 1
