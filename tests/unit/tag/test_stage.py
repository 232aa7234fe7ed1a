"""TagStage: one EnrichedArticle per input, offsets into the body, fields carried over."""

from __future__ import annotations

from services.messages import EnrichedArticle
from services.tag import SpacyBackend, TagStage
from tests.unit.tag.articles import make_article

BODY = "Sergey Lavrov met Choe Son Hui in Pyongyang on Saturday.\n\nLavrov thanked North Korea for its help."


def test_one_result_per_input_in_order(spacy_backend: SpacyBackend) -> None:
    batch = [make_article(BODY, article_id="a"), make_article("Nothing here.", article_id="b")]
    results = TagStage(spacy_backend).process(batch)
    assert [r.id for r in results if isinstance(r, EnrichedArticle)] == ["a", "b"]


def test_offsets_point_into_the_body(spacy_backend: SpacyBackend) -> None:
    (result,) = TagStage(spacy_backend).process([make_article(BODY, title="Lavrov in Pyongyang")])
    assert isinstance(result, EnrichedArticle)
    assert result.entities
    for entity in result.entities:
        assert BODY[entity.start : entity.end] == entity.text


def test_carries_the_unique_article_fields(spacy_backend: SpacyBackend) -> None:
    article = make_article(BODY, title="T")
    (result,) = TagStage(spacy_backend).process([article])
    assert isinstance(result, EnrichedArticle)
    assert result.model_dump(exclude={"entities", "summary"}) == article.model_dump()


def test_is_deterministic(spacy_backend: SpacyBackend) -> None:
    stage = TagStage(spacy_backend)
    assert stage.process([make_article(BODY)]) == stage.process([make_article(BODY)])
