"""Builders of clean articles for the dedup tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.messages import CleanArticle

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def article(article_id: str, body: str, *, at: timedelta = timedelta(0), url: str | None = None) -> CleanArticle:
    """A clean article with the given body, fetched `at` after T0."""
    return CleanArticle(
        id=article_id,
        body=body,
        fetched_at=T0 + at,
        canonical_url=url,
        url=url,
        word_count=len(body.split()),
        removed_chars=0,
    )
