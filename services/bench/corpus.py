"""The bench corpus: real pages first, then new articles in the same sites' frames, with a share of duplicates.

Deterministic for a seed. Unique articles take each dev page once as it is, then carry bodies recombined
from runs of the dev articles' sentences (so no two are near duplicates) inside the pages' own text or
HTML frames, under a URL of their own. Duplicates follow their original within a short distance, as
syndication and re-fetches do: another extractor's rendering of a real article (dedup-dev), the same body
republished in another site's frame, or the same page fetched again under a new id.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from services.bench.frames import HtmlFrame, TextFrame, html_frame, paragraphs, text_frame
from services.bench.sources import SourcePage, Sources

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[\u3002\uff01\uff1f])")
# Bodies of pages in scripts without spaces get new bodies from sentences of such pages only.
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f]")
_RECENT = 200  # a duplicate's original is one of the last this many unique articles


@dataclass(frozen=True)
class CorpusSpec:
    """How big the corpus is and what it is made of."""

    articles: int
    duplicate_share: float = 0.2
    html_share: float = 0.25
    seed: int = 1
    start: datetime = datetime(2026, 1, 1, tzinfo=UTC)

    def __post_init__(self) -> None:
        if self.articles < 1:
            raise ValueError("the corpus needs at least one article")
        if not 0 <= self.duplicate_share < 1:
            raise ValueError("--duplicate-share must be in [0, 1)")
        if not 0 <= self.html_share <= 1:
            raise ValueError("--html-share must be in [0, 1]")


@dataclass(frozen=True)
class CorpusEvent:
    """One raw event as published: its id (the record key) and JSON bytes, and what it was made as."""

    article_id: str
    value: bytes
    html: bool
    duplicate_of: str | None = None
    duplicate_kind: str | None = None


@dataclass(frozen=True)
class Corpus:
    events: tuple[CorpusEvent, ...]
    origin: str
    spec: CorpusSpec

    def describe(self) -> dict[str, Any]:
        sizes = [len(event.value) for event in self.events]
        duplicates = [event for event in self.events if event.duplicate_of is not None]
        return {
            "origin": self.origin,
            "articles": len(self.events),
            "seed": self.spec.seed,
            "duplicates_planned": len(duplicates),
            "duplicate_share_planned": round(len(duplicates) / max(1, len(self.events)), 4),
            "duplicate_kinds": dict(sorted(Counter(event.duplicate_kind for event in duplicates).items())),
            "html_share": round(sum(event.html for event in self.events) / max(1, len(self.events)), 4),
            "bytes": sum(sizes),
            "mean_bytes": round(sum(sizes) / max(1, len(sizes)), 1),
        }


@dataclass(frozen=True)
class _Made:
    """A unique article already in the stream, as duplicates need it."""

    article_id: str
    url: str
    body: tuple[str, ...]
    content: dict[str, str]
    page: SourcePage


def _unspaced(page: SourcePage) -> bool:
    """The page's article is written without spaces between words (Chinese, Japanese, Thai)."""
    sample = (page.body or page.text or "")[:2000]
    return len(_UNSPACED.findall(sample)) > 0.3 * len(sample)


def sentences(text: str) -> list[str]:
    return [sentence for paragraph in paragraphs(text) for sentence in _SENTENCE_END.split(paragraph) if sentence.strip()]


def variant_url(url: str, number: int) -> str:
    """The page's URL with the path made unique: a new article on the same site."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or ""
    return urlunsplit((parts.scheme or "https", parts.netloc or "bench.example", f"{path}-bench{number}", "", ""))


def duplicate_positions(total: int, duplicates: int, rng: random.Random) -> list[bool]:
    """Which positions of the stream hold duplicates: `duplicates` of them, never the first."""
    flags = [True] * duplicates + [False] * (total - duplicates)
    rng.shuffle(flags)
    if flags and flags[0]:
        flags[flags.index(False)], flags[0] = True, False
    return flags


class _Builder:
    def __init__(self, sources: Sources, spec: CorpusSpec) -> None:
        if not sources.pages:
            raise ValueError(f"no usable pages in {sources.origin}")
        self.spec = spec
        self.rng = random.Random(spec.seed)  # noqa: S311 - a reproducible corpus, not a secret
        self.pages = sources.pages
        self.pools: dict[bool, list[str]] = {False: [], True: []}
        for page in self.pages:
            self.pools[_unspaced(page)].extend(sentences(page.body or page.text or ""))
        self.text_frames: list[TextFrame] = [text_frame(page.text, page.body) for page in self.pages]
        self.html_frames: list[HtmlFrame | None] = [html_frame(page.html, page.body) for page in self.pages]
        self.made: list[_Made] = []

    def _synthetic_body(self, like: SourcePage) -> tuple[str, ...]:
        count = max(4, len(paragraphs(like.body))) if like.body else 8
        pool = self.pools[_unspaced(like)] or self.pools[not _unspaced(like)]
        joiner = "" if _unspaced(like) else " "
        body = []
        for _ in range(count):
            start = self.rng.randrange(len(pool))
            body.append(joiner.join(pool[start : start + self.rng.randint(1, 3)]))
        return tuple(body)

    def unique(self, number: int, article_id: str) -> tuple[dict[str, str], bool]:
        index = number % len(self.pages)
        page = self.pages[index]
        want_html = self.rng.random() < self.spec.html_share
        if number < len(self.pages):  # the real page, as it is
            body = tuple(paragraphs(page.body))
            url = page.url
            content = {"html": page.html} if want_html and page.html else {"text": page.text or page.body or "-"}
        else:
            body = self._synthetic_body(page)
            url = variant_url(page.url, number)
            frame = self.html_frames[index]
            content = {"html": frame.fill(body)} if want_html and frame is not None else {"text": self.text_frames[index].fill(body)}
        self.made.append(_Made(article_id, url, body, content, page))
        return {"id": article_id, "url": url, **content}, "html" in content

    def duplicate(self, number: int, article_id: str) -> tuple[dict[str, str], bool, str, str]:
        original = self.rng.choice(self.made[-_RECENT:])
        genuine = original.body == tuple(paragraphs(original.page.body))
        kind = self.rng.choice(["republished", "refetch"] + (["rendering"] if original.page.renderings and genuine else []))
        if kind == "refetch":
            return {"id": article_id, "url": original.url, **original.content}, "html" in original.content, original.article_id, kind
        other = self.rng.randrange(len(self.pages))
        url = variant_url(self.pages[other].url, number)
        if kind == "rendering":
            return {"id": article_id, "url": url, "text": self.rng.choice(original.page.renderings)}, False, original.article_id, kind
        return {"id": article_id, "url": url, "text": self.text_frames[other].fill(original.body)}, False, original.article_id, kind


def build_corpus(sources: Sources, spec: CorpusSpec) -> Corpus:
    """`spec.articles` raw events, `round(articles * duplicate_share)` of them duplicates of earlier ones."""
    builder = _Builder(sources, spec)
    duplicates = round(spec.articles * spec.duplicate_share)
    events = []
    uniques = 0
    for position, is_duplicate in enumerate(duplicate_positions(spec.articles, duplicates, builder.rng)):
        fetched_at = (spec.start + timedelta(seconds=position)).isoformat().replace("+00:00", "Z")
        article_id = f"bench-{position:06d}"
        if is_duplicate:
            fields, html, original, kind = builder.duplicate(position, article_id)
        else:
            (fields, html), original, kind = builder.unique(uniques, article_id), None, None
            uniques += 1
        event = {"id": fields["id"], "url": fields["url"], "source": urlsplit(fields["url"]).netloc, "fetched_at": fetched_at}
        event.update({name: value for name, value in fields.items() if name in ("html", "text")})
        value = json.dumps(event, ensure_ascii=False).encode("utf-8")
        events.append(CorpusEvent(fields["id"], value, html, original, kind))
    return Corpus(tuple(events), sources.origin, spec)
