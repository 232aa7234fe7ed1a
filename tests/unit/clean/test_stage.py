"""CleanStage: one result per input, html preferred, rejections for pages with no article."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from services.clean import CleanStage
from services.ids import article_id
from services.messages import CleanArticle, RawArticle
from services.stage import Rejection, Stage

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


def test_satisfies_the_stage_protocol() -> None:
    stage: Stage[RawArticle] = CleanStage()  # checked by mypy
    assert stage.name == "clean"
    assert stage.input_model is RawArticle


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


def test_html_page_lists_its_related_teasers() -> None:
    summary = "The minister said on Tuesday that the talks would continue next week despite objections from several members."
    teasers = f"<h3>Related Articles</h3><div>Example Wire</div><div>2 hours ago</div><h4>Talks to continue next week</h4><p>{summary}</p>"
    html = _html(_PARAGRAPHS).replace("<footer>", f"<aside>{teasers}</aside><footer>")
    (result,) = CleanStage().process([_raw(html=html)])
    assert isinstance(result, CleanArticle)
    assert [(item.title, item.source) for item in result.related] == [("Talks to continue next week", "Example Wire")]
    assert "Talks to continue" not in result.body


def test_html_is_preferred_over_text() -> None:
    raw = _raw(html=_html(_PARAGRAPHS), text="A completely different text that should not be read at all by the stage here.")
    (result,) = CleanStage().process([raw])
    assert isinstance(result, CleanArticle)
    assert "tram line" in result.body
    assert "completely different" not in result.body


def test_text_is_used_when_the_html_holds_no_article() -> None:
    raw = _raw(html="<html><body><script>var a = 1;</script><nav>Home</nav></body></html>", text="\n".join(_PARAGRAPHS))
    (result,) = CleanStage().process([raw])
    assert isinstance(result, CleanArticle)
    assert result.body == "\n\n".join(_PARAGRAPHS)


def test_id_is_the_shared_article_id() -> None:
    raw = _raw(text="\n".join(_PARAGRAPHS), url="https://example.com/story")
    (result,) = CleanStage().process([raw])
    assert isinstance(result, CleanArticle)
    assert result.id == article_id(raw)


def test_pages_without_an_article_are_rejected_as_empty_body() -> None:
    pages = [
        _raw(text="Home\nNews\nSport\nContact"),
        _raw(html="<html><body><p>Subscribe</p><script>var a = 1;</script></body></html>"),
        _raw(text="\x00\x01\x02\x03 PK\x03\x04 \xff\xfe binary"),
    ]
    for result in CleanStage().process(pages):
        assert isinstance(result, Rejection)
        assert result.reason == "empty_body"


def test_html_that_is_only_scripts_has_its_own_reason() -> None:
    (result,) = CleanStage().process([_raw(html="<html><body><script>var a = 1; window.location = '/x';</script></body></html>")])
    assert isinstance(result, Rejection)
    assert result.reason == "scripts_only"


def test_a_whole_article_on_one_line_ending_in_dots_is_kept() -> None:
    one_line = " ".join(_PARAGRAPHS * 3) + " All..."
    (result,) = CleanStage().process([_raw(text=one_line)])
    assert isinstance(result, CleanArticle)
    assert result.word_count > 40


def test_code_and_encoded_text_are_rejected_as_empty_body() -> None:
    script = 'function(e,t){"object"==typeof exports&&(module.exports=t())};var n={a:1,b:[2,3]};if(n.a>0){n.b=[];}' * 10
    pages = [_raw(text=script), _raw(html=f"<html><body><div>{script}</div></body></html>"), _raw(text="QUJD" * 2000)]
    for result in CleanStage().process(pages):
        assert isinstance(result, Rejection)
        assert result.reason == "empty_body"


def test_same_input_gives_the_same_output_on_a_fresh_stage() -> None:
    raw = _raw(html=_html(_PARAGRAPHS), url="https://example.com/story")
    assert CleanStage().process([raw]) == CleanStage().process([raw])


_PROMO = "Example News brings you the latest stories from the city and the region every single day of the year."


_TOPICS = ["the tram line", "the new school", "the harbour wall", "the city park"]


def _site_page(number: int) -> RawArticle:
    topic = _TOPICS[number]
    body = [
        f"The council met on Monday and discussed {topic} for most of the afternoon, officials said.",
        f"Supporters of {topic} said it would help thousands of residents who have waited for years.",
        f"Critics of {topic} argued that the cost was far higher than the council had promised last spring.",
    ]
    text = "\n".join(["Home", "News", *body, _PROMO, "Privacy Policy"])
    return _raw(text=text, url=f"https://www.example.com/story-{number}")


def test_site_learning_drops_a_line_the_site_repeats_on_every_page() -> None:
    learning, plain = CleanStage(site_learning=True), CleanStage(site_learning=False)
    pages = [_site_page(number) for number in range(4)]
    learned = learning.process(pages)
    unlearned = plain.process(pages)
    assert all(isinstance(r, CleanArticle) for r in learned + unlearned)
    assert [_PROMO in r.body for r in learned if isinstance(r, CleanArticle)] == [True, True, False, False]
    assert all(_PROMO in r.body for r in unlearned if isinstance(r, CleanArticle))


def test_a_recrawled_article_keeps_its_body_under_site_learning() -> None:
    stage = CleanStage()
    page = _raw(text="\n".join(["Home", *_PARAGRAPHS, "Privacy Policy"]), url="https://example.com/a")
    first, *_, last = stage.process([page] * 4)
    assert isinstance(first, CleanArticle)
    assert isinstance(last, CleanArticle)
    assert last.body == first.body


def test_replaying_a_stream_on_a_fresh_stage_gives_the_same_records() -> None:
    pages = [_site_page(number) for number in range(4)]
    assert CleanStage().process(pages) == CleanStage().process(pages)


def test_mojibake_is_repaired_in_the_body() -> None:
    broken = [p.replace("euros", "\u00e2\u201a\u00ac") for p in _PARAGRAPHS]
    (result,) = CleanStage().process([_raw(text="\n".join(broken))])
    assert isinstance(result, CleanArticle)
    assert "400 million \u20ac" in result.body


def test_flat_text_title_from_a_headline_first_line_and_from_the_raw_title() -> None:
    text = "\n".join(["Council extends tram line", *_PARAGRAPHS])
    (guessed,) = CleanStage().process([_raw(text=text)])
    (given,) = CleanStage().process([_raw(text=text, title="Tram line to reach the suburbs")])
    assert isinstance(guessed, CleanArticle)
    assert isinstance(given, CleanArticle)
    assert guessed.title == "Council extends tram line"
    assert given.title == "Tram line to reach the suburbs"
    assert "Council extends tram line" not in guessed.body


_ODD_LINES = [
    "Home", "1) First item here", "2) Second item", "3. third", "Related Articles", "Comments", "2 hours ago", "- Russia Today",
    "Advertisement", "By Jane Doe", "Nov. 19, 2019, 8:41 AM UTC", "", "   ", "x" * 300, "\u4e2d\u6587 \u65b0\u95fb\u3002", "...", "|",
    "1 2 3 4", "5 6 7 8", "\u00a9", "Click here", "<p>tag</p>", "\x00", "Read more", "Top Stories", "\u00c3\u00a9t\u00c3\u00a9",
    "The council approved the plan on Tuesday after a long debate that lasted for hours.",
]  # fmt: skip


def test_odd_pages_give_a_result_and_never_an_exception() -> None:
    """Random mixtures of chrome, lists, tables, blobs and prose (fixed seed): one result each."""
    chooser = random.Random(7)  # noqa: S311 - a reproducible test mixture, not cryptography
    stage = CleanStage()
    for number in range(300):
        lines = [chooser.choice(_ODD_LINES) for _ in range(chooser.randint(1, 40))]
        if number % 3 == 0:
            raw = _raw(html="<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>", url="https://a.example/x")
        else:
            raw = _raw(text="\n".join(lines) + "\nend", url=f"https://{'ab'[number % 2]}.example/{number}")
        (result,) = stage.process([raw])
        assert isinstance(result, CleanArticle | Rejection)
