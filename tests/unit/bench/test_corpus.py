"""The bench corpus: its size, its share of duplicates, and that it is the same for the same seed."""

from __future__ import annotations

import json
import random

import pytest

from services.bench.corpus import CorpusSpec, build_corpus, duplicate_positions, sentences, variant_url
from services.bench.sources import SourcePage, Sources

_WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
]


def _page(number: int) -> SourcePage:
    rng = random.Random(number)  # noqa: S311 - reproducible test text
    body = "\n".join(
        " ".join(f"{' '.join(rng.choice(_WORDS) for _ in range(12))} {number}-{paragraph}-{sentence}." for sentence in range(3))
        for paragraph in range(5)
    )
    html = (
        "<html><body><nav>Home | World</nav>"
        + "".join(f"<p>{line}</p>" for line in body.split("\n"))
        + "<footer>(c)</footer></body></html>"
    )
    text = f"Site {number} navigation\nHome\n{body}\nFooter links"
    return SourcePage(f"page{number}", f"https://site{number}.example/news/story", body, text=text, html=html, renderings=(body[:200],))


def _sources(pages: int = 6) -> Sources:
    return Sources(tuple(_page(number) for number in range(pages)), "test pages")


def test_corpus_has_the_asked_size_and_exact_share_of_duplicates() -> None:
    corpus = build_corpus(_sources(), CorpusSpec(articles=200, duplicate_share=0.2))
    duplicates = [event for event in corpus.events if event.duplicate_of is not None]
    assert len(corpus.events) == 200
    assert len(duplicates) == 40
    assert corpus.describe()["duplicate_share_planned"] == 0.2


def test_every_duplicate_follows_its_original_and_ids_are_unique() -> None:
    corpus = build_corpus(_sources(), CorpusSpec(articles=150, duplicate_share=0.3))
    seen: set[str] = set()
    for event in corpus.events:
        assert event.article_id not in seen
        if event.duplicate_of is not None:
            assert event.duplicate_of in seen
            assert event.duplicate_kind in {"rendering", "republished", "refetch"}
        seen.add(event.article_id)


def test_events_are_raw_articles_keyed_by_their_id() -> None:
    corpus = build_corpus(_sources(), CorpusSpec(articles=40, html_share=0.5))
    for event in corpus.events:
        raw = json.loads(event.value)
        assert raw["id"] == event.article_id
        assert raw["fetched_at"].endswith("Z")
        assert ("html" in raw) == event.html
        assert ("text" in raw) != event.html


def test_same_seed_same_corpus_and_another_seed_another() -> None:
    spec = CorpusSpec(articles=60, seed=3)
    first = build_corpus(_sources(), spec)
    assert first.events == build_corpus(_sources(), spec).events
    assert first.events != build_corpus(_sources(), CorpusSpec(articles=60, seed=4)).events


def test_unique_articles_after_the_real_pages_have_their_own_url() -> None:
    corpus = build_corpus(_sources(pages=3), CorpusSpec(articles=30, duplicate_share=0.0))
    urls = [json.loads(event.value)["url"] for event in corpus.events]
    assert len(set(urls)) == len(urls)


def test_no_duplicates_asked_none_made() -> None:
    corpus = build_corpus(_sources(), CorpusSpec(articles=25, duplicate_share=0.0))
    assert all(event.duplicate_of is None for event in corpus.events)


def test_duplicate_positions_never_start_the_stream() -> None:
    for seed in range(20):
        flags = duplicate_positions(10, 5, random.Random(seed))  # noqa: S311 - a test stream
        assert not flags[0]
        assert sum(flags) == 5


def test_variant_url_keeps_the_site_and_makes_the_path_unique() -> None:
    assert variant_url("https://a.example/news/story?id=1#c", 7) == "https://a.example/news/story-bench7"
    assert variant_url("https://a.example/", 2) == "https://a.example/-bench2"


def test_sentences_split_paragraphs_at_sentence_ends() -> None:
    assert sentences("One two. Three four!\nFive six?") == ["One two.", "Three four!", "Five six?"]


@pytest.mark.parametrize(("articles", "share"), [(0, 0.2), (10, 1.0), (10, -0.1)])
def test_bad_specs_are_refused(articles: int, share: float) -> None:
    with pytest.raises(ValueError, match=r"article|share"):
        CorpusSpec(articles=articles, duplicate_share=share)


def test_pages_without_spaces_get_new_bodies_from_their_own_script() -> None:
    chinese_body = "\n".join("市议会周二批准了重建北部防波堤的计划。工程师说新结构将高出两米。工程将于春季开始。" for _ in range(4))
    chinese = SourcePage("zh", "https://zh.example/news/1", chinese_body, text=f"首页\n{chinese_body}\n版权所有")
    corpus = build_corpus(Sources((_page(0), chinese), "test pages"), CorpusSpec(articles=40, duplicate_share=0.0, html_share=0.0))
    for event in corpus.events[2:]:
        value = json.loads(event.value)
        if value["url"].startswith("https://zh.example/"):
            assert "防波堤" in value["text"] or "工程" in value["text"]
            assert not any(word in value["text"] for word in _WORDS)
    assert sentences("第一句。第二句！第三句") == ["第一句。", "第二句！", "第三句"]
