"""Fuzz across scripts: random mixes of chrome, table rows and blobs in every script, around a real
article or not, never raise, and a real article among them is never lost."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime

from services.clean import CleanStage
from services.messages import CleanArticle, RawArticle
from services.stage import Rejection
from tests.unit.clean.world_articles import ARTICLES

_FETCHED = datetime(2026, 11, 20, tzinfo=UTC)
_NOISE = [
    *[item for article in ARTICLES for item in article.navigation],
    *[article.footer for article in ARTICLES],
    *[article.title for article in ARTICLES],
    "Harbour United 2 Westerby Town 1",
    "| 1 | 2 | 3 |",
    "12:45",
    "© 2026",
    base64.b64encode(bytes(range(90))).decode(),
    "function(){return 1;}",
    "。。。",
    "ๆ ๆ ๆ",
    "\u200b\u200d\u2060",
    "a" * 40,
    "中" * 3,
]


def _page(chooser: random.Random, paragraphs: tuple[str, ...]) -> list[str]:
    """Noise above and below the paragraphs, and a noise line between some of them."""
    lines = [chooser.choice(_NOISE) for _ in range(chooser.randint(0, 12))]
    for paragraph in paragraphs:
        lines.append(paragraph)
        if chooser.random() < 0.2:
            lines.append(chooser.choice(_NOISE))
    return lines + [chooser.choice(_NOISE) for _ in range(chooser.randint(1, 12))]


def test_random_mixes_across_scripts_never_raise_and_never_lose_a_real_article() -> None:
    chooser = random.Random(11)  # noqa: S311 - a reproducible test mixture, not cryptography
    stage = CleanStage()
    for number in range(240):
        article = chooser.choice(ARTICLES)
        with_article = number % 4 != 0
        lines = _page(chooser, article.paragraphs if with_article else ())
        if number % 2:
            markup = "".join(f"<p>{line}</p>" for line in lines)
            raw = RawArticle(
                id=f"f{number}",
                fetched_at=_FETCHED,
                url=f"https://site{number % 5}.example/{number}",
                html=f"<html><body>{markup}</body></html>",
            )
        else:
            raw = RawArticle(id=f"f{number}", fetched_at=_FETCHED, url=f"https://site{number % 5}.example/{number}", text="\n".join(lines))
        (result,) = stage.process([raw])
        assert isinstance(result, CleanArticle | Rejection)
        if with_article:
            assert isinstance(result, CleanArticle), (number, article.script, result)
            for paragraph in article.paragraphs:
                assert paragraph in result.body, (number, article.script)
