"""Stand-ins for stages left out of `newsflow process`: they hand records on unchanged in substance."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from pydantic import BaseModel

from services.messages import CleanArticle, RawArticle, UniqueArticle
from services.records import clean_article
from services.stage import Rejection


class RawAsClean:
    """Without the clean stage, a raw event's `text` is taken as the clean body."""

    name = "clean"
    input_model = RawArticle

    def process(self, batch: Sequence[RawArticle]) -> list[BaseModel | Rejection]:
        return [self._one(raw) for raw in batch]

    @staticmethod
    def _one(raw: RawArticle) -> BaseModel | Rejection:
        if not (raw.text and raw.text.strip()):
            return Rejection("missing_text", "without the clean stage only `text` can serve as the body, and this event has none")
        return clean_article(raw, body=raw.text, title=raw.title, language=raw.language)


class CleanAsUnique:
    """Without the dedup stage, every article is taken as unique and its own cluster."""

    name = "dedup"
    input_model = CleanArticle

    def process(self, batch: Sequence[CleanArticle]) -> list[BaseModel | Rejection]:
        return [
            UniqueArticle(
                **article.model_dump(),
                cluster_id=article.id,
                content_hash=hashlib.sha256(article.body.encode("utf-8")).hexdigest(),
            )
            for article in batch
        ]
