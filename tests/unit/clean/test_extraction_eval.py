"""services.eval.extraction: the shingle metric, the report, and the floors on the dev data."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.clean import CleanStage
from services.eval.extraction import (
    ExtractionReport,
    Score,
    evaluate_extraction,
    evaluate_site_stream,
    extraction_dir,
    precision_recall,
    shingles,
    site_stream_events,
    text_events,
)
from services.messages import CleanArticle


def test_shingles_are_a_multiset_of_4_token_windows() -> None:
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("x y z w x y z w")[("x", "y", "z", "w")] == 2


def test_short_text_is_one_shingle_and_empty_text_none() -> None:
    assert shingles("Hello, world!") == {("Hello", "world"): 1}
    assert shingles(" ... ") == {}


def test_precision_and_recall_per_document() -> None:
    truth = "one two three four five six"
    assert precision_recall(truth, truth) == (1.0, 1.0)
    precision, recall = precision_recall("one two three four five", truth)  # 2 of the 3 true shingles
    assert precision == 1.0
    assert recall == pytest.approx(2 / 3)
    assert precision_recall("", truth) == (0.0, 0.0)


def test_score_averages_precision_and_recall_then_takes_f1() -> None:
    score = Score.of([(1.0, 0.5), (0.5, 0.5)])
    assert (score.precision, score.recall, score.documents) == (0.75, 0.5, 2)
    assert score.f1 == pytest.approx(2 * 0.75 * 0.5 / 1.25)
    assert Score.of([]).f1 == 0.0


def test_report_renders_a_row_per_input() -> None:
    report = ExtractionReport(html=Score(0.9, 0.8, 88), text=Score(0.7, 0.6, 88), site_learning=True)
    rendered = report.render()
    assert "html          0.847  0.900  0.800    88" in rendered
    assert "text          0.646  0.700  0.600    88" in rendered
    assert "html as text" not in rendered
    assert "site learning: on" in rendered
    with_second_flattener = ExtractionReport(html=Score(1, 1, 1), text=Score(1, 1, 1), site_learning=False, html_as_text=Score(0.5, 0.5, 1))
    assert "html as text  0.500" in with_second_flattener.render()


@pytest.mark.data
def test_dev_extraction_stays_above_its_floors(shared_data: Path) -> None:
    """Measured 0.976 (HTML) and 0.958 (text); floors leave room for harmless library drift."""
    report = evaluate_extraction(shared_data / "extraction-dev")
    assert report.html.documents == report.text.documents == 88
    assert report.html.f1 >= 0.968
    assert report.text.f1 >= 0.945
    assert report.html_as_text is not None
    assert report.html_as_text.f1 >= 0.94  # measured 0.955: the text path on a second flattener


@pytest.mark.data
def test_text_extraction_holds_on_both_halves_of_the_sites(shared_data: Path) -> None:
    """Sites split in two by a fixed hash of their host (47 and 41 pages): no half carries the
    score alone. Measured 0.952 and 0.966."""
    folds: dict[int, list[tuple[float, float]]] = {0: [], 1: []}
    stage = CleanStage(site_learning=False)
    for raw, truth in text_events(shared_data / "extraction-dev"):
        host = (raw.url or "").split("/")[2].removeprefix("www.")
        (result,) = stage.process([raw])
        body = result.body if isinstance(result, CleanArticle) else ""
        folds[sum(map(ord, host)) % 2].append(precision_recall(body, truth))
    assert [len(pairs) for pairs in folds.values()] == [47, 41]
    assert all(Score.of(pairs).f1 >= 0.93 for pairs in folds.values())


@pytest.mark.data
def test_site_learning_helps_on_a_stream_with_many_pages_per_site(shared_data: Path) -> None:
    """Measured F1 0.916 -> 0.951; pages 6+ of each site: precision 0.904 -> 0.974."""
    report = evaluate_site_stream(shared_data / "extraction-dev")
    assert report.learning_on.f1 >= report.learning_off.f1 + 0.02
    assert report.learning_on_warm.precision >= report.learning_off_warm.precision + 0.05


@pytest.mark.data
def test_site_stream_interleaves_sites_with_distinct_bodies(shared_data: Path) -> None:
    events = site_stream_events(shared_data / "extraction-dev", sites=3, pages_per_site=4)
    assert len(events) == 12
    hosts = [raw.url.split("/")[2] for raw, _ in events[:3] if raw.url]
    assert len(set(hosts)) >= 2
    assert len({truth for _, truth in events}) > 3


def test_extraction_dir_accepts_the_data_folder_or_the_split(tmp_path: Path) -> None:
    split = tmp_path / "extraction-dev"
    split.mkdir()
    (split / "ground-truth.json").write_text("{}", encoding="utf-8")
    assert extraction_dir(tmp_path) == split
    assert extraction_dir(split) == split
