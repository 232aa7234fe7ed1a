"""The dedup stage's outputs: unique articles, and exact, URL and near duplicates of earlier ones."""

from __future__ import annotations

from services.dedup import DedupStage, DedupState
from services.messages import DuplicateArticle, UniqueArticle
from tests.unit.dedup.conftest import article

STORY = (
    "The city council voted on Tuesday to expand the tram network to the northern suburbs, "
    "a project that has been debated for more than a decade. The mayor said construction would "
    "begin next spring and the first trams would run within four years. Opponents argued the "
    "cost, estimated at 1.2 billion euros, would crowd out spending on schools and housing. "
    "Residents of the affected districts were broadly supportive in a survey published last month."
)
OTHER = (
    "Shares in the chipmaker fell sharply after it cut its revenue forecast for the third time this "
    "year, blaming weak demand for personal computers and smartphones. Analysts said the company "
    "faced stiff competition from rivals in Asia and might need to restructure its factories."
)


def test_first_article_is_unique_and_its_own_cluster() -> None:
    stage = DedupStage(DedupState.open(None))
    [result] = stage.process([article("a", STORY)])
    assert isinstance(result, UniqueArticle)
    assert result.cluster_id == "a"
    assert result.body == STORY


def test_exact_copy_with_other_punctuation_and_case_is_an_exact_duplicate() -> None:
    stage = DedupStage(DedupState.open(None))
    results = stage.process([article("a", STORY), article("b", STORY.upper().replace(",", ""))])
    assert isinstance(results[1], DuplicateArticle)
    assert (results[1].kind, results[1].duplicate_of, results[1].cluster_id, results[1].similarity) == ("exact", "a", "a", 1.0)


def test_same_canonical_url_is_a_url_duplicate() -> None:
    stage = DedupStage(DedupState.open(None))
    url = "https://news.example/tram"
    results = stage.process([article("a", STORY, url=url), article("b", OTHER, url=url)])
    assert isinstance(results[1], DuplicateArticle)
    assert (results[1].kind, results[1].duplicate_of) == ("url", "a")


def test_lightly_edited_copy_is_a_near_duplicate() -> None:
    stage = DedupStage(DedupState.open(None))
    edited = STORY.replace("next spring", "in the spring") + " Reporting by the city desk."
    results = stage.process([article("a", STORY), article("b", edited), article("c", OTHER)])
    assert isinstance(results[1], DuplicateArticle)
    assert (results[1].kind, results[1].duplicate_of, results[1].cluster_id) == ("near", "a", "a")
    assert 0.5 <= results[1].similarity < 1.0
    assert isinstance(results[2], UniqueArticle)
