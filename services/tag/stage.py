"""The tag stage: unique articles in, articles with entities, canonical names and a summary out."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from services.messages import EnrichedArticle, Entity, UniqueArticle
from services.stage import Rejection
from services.tag.backend import Mention, TaggerBackend
from services.tag.canonical import group_mentions
from services.tag.options import TagOptions
from services.tag.places import PlaceCodes
from services.tag.recognise import find_mentions
from services.tag.salience import salience
from services.tag.summary import summarise


class TagStage:
    """Finds each body's entities with a pluggable backend, merges them and scores their salience."""

    name = "tag"
    input_model = UniqueArticle

    def __init__(self, backend: TaggerBackend, *, options: TagOptions | None = None, places: PlaceCodes | None = None) -> None:
        self.backend = backend
        self.options = options or TagOptions()
        self.places = places or PlaceCodes()

    def process(self, batch: Sequence[UniqueArticle]) -> list[BaseModel | Rejection]:
        """One EnrichedArticle per input, in input order; articles in other languages get no entities."""
        taggable = [index for index, article in enumerate(batch) if self._in_model_language(article)]
        found = find_mentions(self.backend, [batch[index].body for index in taggable], self.options, self.places)
        mentions: dict[int, list[Mention]] = dict(zip(taggable, found, strict=True))
        return [self._enrich(article, mentions.get(index, [])) for index, article in enumerate(batch)]

    def _in_model_language(self, article: UniqueArticle) -> bool:
        languages = self.options.languages
        return languages is None or article.language is None or article.language in languages

    def _enrich(self, article: UniqueArticle, mentions: list[Mention]) -> EnrichedArticle:
        groups = group_mentions(mentions, self.places.code)
        scores = salience(groups, mentions, len(article.body), article.title)
        by_mention: dict[int, Entity] = {}
        for group, score in zip(groups, scores, strict=True):
            for index in group.members:
                mention = mentions[index]
                by_mention[index] = Entity(
                    text=mention.text,
                    label=mention.label,
                    start=mention.start,
                    end=mention.end,
                    canonical=group.canonical,
                    mentions=len(group.members),
                    salience=score,
                    iso_code=group.iso_code,
                )
        entities = [by_mention[index] for index in range(len(mentions))]
        summary = summarise(groups, scores, self.options.summary_size)
        # Only the UniqueArticle fields: a replayed EnrichedArticle must not bring its old entities.
        fields = article.model_dump(include=set(UniqueArticle.model_fields))
        return EnrichedArticle(**fields, entities=entities, summary=summary)
