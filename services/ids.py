"""Article ids: given, else from the canonical URL, else from the content."""

from __future__ import annotations

import hashlib

from services.messages import RawArticle
from services.urls import canonical_url


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def article_id(raw: RawArticle) -> str:
    """The id a raw event is known by downstream; deterministic, so replays key the same."""
    if raw.id:
        return raw.id
    if raw.url and (url := canonical_url(raw.url)):
        return f"url-{_digest(url)}"
    return f"content-{_digest(raw.html or raw.html_base64 or raw.text or '')}"
