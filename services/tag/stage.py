"""The tag stage: unique articles in, articles with entities, canonical names and a summary out."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from services.messages import EnrichedArticle, Entity, Tagging, UniqueArticle
from services.stage import Rejection
from services.tag.backend import Mention, TaggerBackend
from services.tag.canonical import group_mentions
from services.tag.languages import LANGUAGE_MODELS
from services.tag.options import TagOptions
from services.tag.places import PlaceCodes
from services.tag.recognise import find_mentions
from services.tag.salience import salience
from services.tag.summary import summarise


class TagStage:
    """Finds each body's entities with the backend of its language, merges them and scores their salience.

    An article whose language has no loaded backend is passed on untagged, with `tagging.status`
    `skipped` and the reason, so that "no entities" is never mistaken for "not tagged".
    """

    name = "tag"
    input_model = UniqueArticle

    def __init__(
        self,
        backends: TaggerBackend | Sequence[TaggerBackend],
        *,
        options: TagOptions | None = None,
        places: PlaceCodes | None = None,
    ) -> None:
        listed = list(backends) if isinstance(backends, Sequence) else [backends]
        self.backends: dict[str, TaggerBackend] = {backend.language: backend for backend in listed}
        if len(self.backends) != len(listed):
            raise ValueError(f"one backend per language: got {[backend.language for backend in listed]}")
        self.options = options or TagOptions()
        self.places = places or PlaceCodes()

    def process(self, batch: Sequence[UniqueArticle]) -> list[BaseModel | Rejection]:
        """One EnrichedArticle per input, in input order; one batched model call per language."""
        plans = [self.tagging(article) for article in batch]
        mentions: dict[int, list[Mention]] = {}
        for language, backend in self.backends.items():
            indices = [i for i, plan in enumerate(plans) if plan.status == "tagged" and plan.language == language]
            if indices:
                found = find_mentions(backend, [batch[i].body for i in indices], self.options, self.places)
                mentions.update(zip(indices, found, strict=True))
        return [
            self._enrich(article, plan, mentions.get(index, [])) for index, (article, plan) in enumerate(zip(batch, plans, strict=True))
        ]

    def tagging(self, article: UniqueArticle) -> Tagging:
        """Which model tags the article, or why none does. An article of unknown language is read as the default language."""
        language = article.language or self.options.default_language
        backend = self.backends.get(language)
        if backend is not None:
            return Tagging(status="tagged", language=language, model=backend.model, version=backend.version)
        if language in LANGUAGE_MODELS:
            reason = f"language '{language}' is not loaded by this tagger (loaded: {', '.join(sorted(self.backends)) or 'none'})"
        else:
            reason = f"language '{language}' has no model"
        return Tagging(status="skipped", reason=reason, language=article.language)

    def _enrich(self, article: UniqueArticle, tagging: Tagging, mentions: list[Mention]) -> EnrichedArticle:
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
        return EnrichedArticle(**fields, tagging=tagging, entities=entities, summary=summary)
