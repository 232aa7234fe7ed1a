"""The tag stage: unique articles in, articles with entities and a summary out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel

from services.messages import EnrichedArticle, Entity, EntitySummary, UniqueArticle
from services.stage import Rejection
from services.tag.backend import Mention, TaggerBackend


class TagStage:
    """Finds the entities of each article's body with a pluggable backend."""

    name = "tag"
    input_model = UniqueArticle

    def __init__(self, backend: TaggerBackend) -> None:
        self.backend = backend

    def process(self, batch: Sequence[UniqueArticle]) -> list[BaseModel | Rejection]:
        """One EnrichedArticle per input, in input order."""
        found = self.backend.entities([article.body for article in batch])
        return [self._enrich(article, mentions) for article, mentions in zip(batch, found, strict=True)]

    def _enrich(self, article: UniqueArticle, mentions: list[Mention]) -> EnrichedArticle:
        counts = Counter(m.text for m in mentions)
        entities = [
            Entity(text=m.text, label=m.label, start=m.start, end=m.end, canonical=m.text, mentions=counts[m.text]) for m in mentions
        ]
        return EnrichedArticle(**article.model_dump(), entities=entities, summary=EntitySummary())
