"""A clean record from a raw event: the fields that every way of cleaning copies across the same way."""

from __future__ import annotations

from services.ids import article_id
from services.messages import CleanArticle, ContentKind, RawArticle, RelatedItem
from services.urls import canonical_url
from services.words import word_count


def clean_article(
    raw: RawArticle,
    *,
    body: str,
    title: str | None,
    language: str | None,
    language_confidence: float = 0.0,
    removed_chars: int = 0,
    related: list[RelatedItem] | None = None,
    content_kind: ContentKind = "story",
    words: int | None = None,
) -> CleanArticle:
    """The clean record of `raw` with the given body and what was extracted with it (`words`: the
    body's `word_count`, when the caller has counted it already)."""
    return CleanArticle(
        id=article_id(raw),
        url=raw.url,
        canonical_url=canonical_url(raw.url) if raw.url else None,
        source=raw.source,
        fetched_at=raw.fetched_at,
        published_at=raw.published_at,
        title=title,
        body=body,
        language=language,
        language_confidence=language_confidence,
        word_count=word_count(body) if words is None else words,
        content_kind=content_kind,
        removed_chars=removed_chars,
        related=related or [],
        metadata=raw.metadata,
    )
