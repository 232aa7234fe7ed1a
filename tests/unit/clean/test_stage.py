"""CleanStage: one result per input, html preferred, rejections for pages with no article."""

from __future__ import annotations

from datetime import UTC, datetime

from services.clean import CleanStage
from services.ids import article_id
from services.messages import CleanArticle, RawArticle
from services.stage import Rejection

_FETCHED = datetime(2025, 7, 12, tzinfo=UTC)
_PARAGRAPHS = [
    "The city council voted on Tuesday to extend the tram line to the northern suburbs by 2028.",
    "Supporters said the extension would cut commuting times for thousands of residents every day.",
    "Opponents argued that the cost, estimated at 400 million euros, was far higher than planned.",
]


def _html(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>Council extends tram line</title></head><body>"
        "<nav><a href='/'>Home</a><a href='/news'>News</a></nav>"
        f"<article><h1>Council extends tram line</h1>{body}</article>"
        "<footer>Copyright 2025 Example News</footer></body></html>"
    )


def _raw(**fields: str) -> RawArticle:
    return RawArticle.model_validate({"fetched_at": _FETCHED, **fields})


def test_returns_one_result_per_input_in_order() -> None:
    batch = [_raw(text="\n".join(_PARAGRAPHS), id="a"), _raw(text="Home\nNews", id="b"), _raw(html=_html(_PARAGRAPHS), id="c")]
    results = CleanStage().process(batch)
    assert [type(r) for r in results] == [CleanArticle, Rejection, CleanArticle]
    assert [r.id for r in results if isinstance(r, CleanArticle)] == ["a", "c"]


def test_html_body_keeps_paragraphs_and_drops_navigation() -> None:
    (result,) = CleanStage().process([_raw(html=_html(_PARAGRAPHS), url="https://Example.com/a?utm_source=x#top")])
    assert isinstance(result, CleanArticle)
    assert result.body == "\n\n".join(_PARAGRAPHS)
    assert result.title == "Council extends tram line"
    assert result.canonical_url == "https://example.com/a"
    assert result.language == "en"
    assert result.word_count == sum(len(p.split()) for p in _PARAGRAPHS)
    assert result.removed_chars > 0
    assert result.lineage is None
    assert result.stage_times == {}


def test_html_is_preferred_over_text() -> None:
    raw = _raw(html=_html(_PARAGRAPHS), text="A completely different text that should not be read at all by the stage here.")
    (result,) = CleanStage().process([raw])
    assert isinstance(result, CleanArticle)
    assert "tram line" in result.body
    assert "completely different" not in result.body


def test_id_is_the_shared_article_id() -> None:
    raw = _raw(text="\n".join(_PARAGRAPHS), url="https://example.com/story")
    (result,) = CleanStage().process([raw])
    assert isinstance(result, CleanArticle)
    assert result.id == article_id(raw)


def test_pages_without_an_article_are_rejected_as_empty_body() -> None:
    pages = [
        _raw(text="Home\nNews\nSport\nContact"),
        _raw(html="<html><body><script>var a = 1; window.location = '/x';</script></body></html>"),
        _raw(text="\x00\x01\x02\x03 PK\x03\x04 \xff\xfe binary"),
    ]
    for result in CleanStage().process(pages):
        assert isinstance(result, Rejection)
        assert result.reason == "empty_body"


def test_same_input_gives_the_same_output_on_a_fresh_stage() -> None:
    raw = _raw(html=_html(_PARAGRAPHS), url="https://example.com/story")
    assert CleanStage().process([raw]) == CleanStage().process([raw])
