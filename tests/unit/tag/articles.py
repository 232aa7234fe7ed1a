"""A factory of UniqueArticle inputs for tag-stage tests."""

from __future__ import annotations

from datetime import UTC, datetime

from services.messages import UniqueArticle


def make_article(body: str, title: str | None = None, article_id: str = "a1") -> UniqueArticle:
    return UniqueArticle(
        id=article_id,
        fetched_at=datetime(2025, 7, 12, tzinfo=UTC),
        title=title,
        body=body,
        word_count=len(body.split()),
        removed_chars=0,
        cluster_id=article_id,
        content_hash="0" * 16,
    )
