"""Articles in every script come through clean whole: none dead-lettered, language right, body intact,
as flattened page text and as HTML; and the seed events in those languages do the same."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.clean import CleanStage
from services.messages import CleanArticle, RawArticle
from services.stage import Rejection
from tests.unit.clean.world_articles import ARTICLES, WorldArticle

_FETCHED = datetime(2026, 11, 20, tzinfo=UTC)
_IDS = [article.script for article in ARTICLES]


def _text_page(article: WorldArticle) -> str:
    return "\n".join([article.title, *article.navigation, article.title, *article.paragraphs, article.footer])


def _html_page(article: WorldArticle) -> str:
    menu = "".join(f"<li><a href='/{number}'>{item}</a></li>" for number, item in enumerate(article.navigation))
    body = "".join(f"<p>{paragraph}</p>" for paragraph in article.paragraphs)
    return (
        f"<!DOCTYPE html><html lang='{article.language}'><head><meta charset='utf-8'><title>{article.title}</title></head>"
        f"<body><nav><ul>{menu}</ul></nav><article><h1>{article.title}</h1>{body}</article>"
        f"<footer><p>{article.footer}</p></footer></body></html>"
    )


def _clean(**fields: str) -> CleanArticle | Rejection:
    (result,) = CleanStage().process([RawArticle.model_validate({"fetched_at": _FETCHED, "url": "https://news.example/a", **fields})])
    assert isinstance(result, CleanArticle | Rejection)
    return result


def _assert_intact(result: CleanArticle | Rejection, article: WorldArticle) -> None:
    assert isinstance(result, CleanArticle), f"{article.script}: dead-lettered: {result}"
    assert result.language == article.language
    assert result.body == "\n\n".join(article.paragraphs)
    assert result.title == article.title
    assert result.content_kind == "story" if result.word_count >= 150 else result.content_kind == "brief"


@pytest.mark.parametrize("article", ARTICLES, ids=_IDS)
def test_an_article_as_flattened_text_comes_out_whole(article: WorldArticle) -> None:
    _assert_intact(_clean(text=_text_page(article)), article)


@pytest.mark.parametrize("article", ARTICLES, ids=_IDS)
def test_an_article_as_html_comes_out_whole(article: WorldArticle) -> None:
    _assert_intact(_clean(html=_html_page(article)), article)


@pytest.mark.parametrize("article", ARTICLES, ids=_IDS)
def test_word_count_is_in_words_of_the_script(article: WorldArticle) -> None:
    result = _clean(text=_text_page(article))
    assert isinstance(result, CleanArticle)
    characters = sum(len("".join(paragraph.split())) for paragraph in article.paragraphs)
    # Between 1.3 and 8 characters a word in every script: neither one "word" per clause nor one per letter.
    assert characters / 8 <= result.word_count <= characters / 1.3


@pytest.mark.parametrize("article", ARTICLES, ids=_IDS)
def test_a_single_paragraph_brief_is_kept_as_a_brief(article: WorldArticle) -> None:
    result = _clean(text=article.paragraphs[0], title=article.title)
    assert isinstance(result, CleanArticle), result
    assert result.body == article.paragraphs[0]
    assert result.content_kind == "brief"


def test_the_seed_articles_in_every_language_come_out_whole(seeds_dir: Path) -> None:
    events = [json.loads(line) for line in (seeds_dir / "world-news.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    by_language = {article.language: article for article in ARTICLES}
    languages = [event["id"].split("-")[1] for event in events]  # world-<language>-<story>
    assert set(languages) == set(by_language) - {"en"}
    results = CleanStage().process([RawArticle.model_validate(event) for event in events])
    for language, result in zip(languages, results, strict=True):
        assert isinstance(result, CleanArticle | Rejection)
        _assert_intact(result, by_language[language])
