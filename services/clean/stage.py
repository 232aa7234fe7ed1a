"""The clean stage: raw page in, extracted and normalised article (or a rejection) out."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from services.clean.flat_text import extract_flat
from services.clean.html_extract import extract_html
from services.clean.language import LanguageDetector
from services.clean.normalize import clean_line, join_paragraphs, lines_of, repair
from services.ids import article_id
from services.messages import CleanArticle, RawArticle, RelatedItem
from services.stage import Rejection
from services.urls import canonical_url

_WORD = re.compile(r"\w+")


def _without_leading_title(paragraphs: list[str], title: str | None) -> list[str]:
    """The headline is the record's title, not part of its body."""
    content = [p for p in paragraphs if p]
    if content and title and content[0].casefold() == clean_line(title).casefold():
        return content[1:]
    return content


class CleanStage:
    """Extracts the article body from HTML (preferred) or flattened text; satisfies Stage[RawArticle]."""

    name = "clean"
    input_model = RawArticle

    def __init__(self, *, site_learning: bool = True, min_words: int = 20) -> None:
        self.site_learning = site_learning
        self._min_words = min_words
        self._language = LanguageDetector()

    def process(self, batch: Sequence[RawArticle]) -> list[BaseModel | Rejection]:
        return [self._clean_one(raw) for raw in batch]

    def _clean_one(self, raw: RawArticle) -> BaseModel | Rejection:
        if raw.html and raw.html.strip():
            source_text = raw.html
            extraction = extract_html(raw.html, url=raw.url)
            paragraphs = [clean_line(line) for line in repair(extraction.body).split("\n")]
            title = extraction.title
            related: list[RelatedItem] = []
        else:
            source_text = raw.text or ""
            flat = extract_flat(lines_of(source_text))
            paragraphs = flat.body_lines
            title = flat.title
            related = flat.related
        paragraphs = _without_leading_title(paragraphs, title)
        body = join_paragraphs(paragraphs)
        word_count = len(_WORD.findall(body))
        if word_count < self._min_words:
            return Rejection("empty_body", f"{word_count} words of article text (< {self._min_words})")
        guess = self._language.detect(body)
        return CleanArticle(
            id=article_id(raw),
            url=raw.url,
            canonical_url=canonical_url(raw.url) if raw.url else None,
            source=raw.source,
            fetched_at=raw.fetched_at,
            published_at=raw.published_at,
            title=clean_line(repair(title)) if title else (raw.title or None),
            body=body,
            language=guess.code or raw.language,
            language_confidence=guess.confidence,
            word_count=word_count,
            removed_chars=max(0, len(source_text) - len(body)),
            related=related,
            metadata=raw.metadata,
        )
