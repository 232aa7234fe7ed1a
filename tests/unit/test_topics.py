"""Routing goes by exact type, with the deployment's prefix."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import BaseModel

from services.messages import CleanArticle, DuplicateArticle
from services.topics import Topics

ARTICLE = CleanArticle(id="a", fetched_at=datetime(2026, 1, 1, tzinfo=UTC), body="b", word_count=1, removed_chars=0)


def test_a_duplicate_goes_to_duplicates_not_to_clean_although_it_is_a_clean_article() -> None:
    duplicate = DuplicateArticle(**ARTICLE.model_dump(), cluster_id="a0", content_hash="h", duplicate_of="a0", kind="exact", similarity=1.0)
    topics = Topics("p.")
    assert topics.for_result(ARTICLE) == "p.articles.clean"
    assert topics.for_result(duplicate) == "p.articles.duplicates"


def test_an_unrouted_type_is_an_error_naming_it() -> None:
    class Stray(BaseModel):
        pass

    with pytest.raises(TypeError, match="Stray"):
        Topics().for_result(Stray())


def test_every_topic_takes_the_prefix() -> None:
    assert Topics("x-").all() == [
        "x-articles.raw",
        "x-articles.clean",
        "x-articles.unique",
        "x-articles.duplicates",
        "x-articles.enriched",
        "x-articles.dlq",
    ]
    assert Topics("x-").input_of("dedup") == "x-articles.clean"
