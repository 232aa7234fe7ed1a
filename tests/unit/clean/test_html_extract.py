"""html_extract, html_flatten and html_recall: body, title and page text from HTML."""

from __future__ import annotations

from lxml import html as lxml_html

from services.clean.flat_text import extract_flat
from services.clean.html_extract import extract_html
from services.clean.html_flatten import flatten
from services.clean.html_recall import complete_paragraphs

_PARAGRAPHS = [
    "The harbour authority approved a plan on Tuesday to rebuild the northern breakwater after the storms.",
    "Engineers say the new structure will be two metres higher and built from heavier rock than the old one.",
    "Work is due to start in the spring and should take about eighteen months, the authority's director said.",
]


def _flat(page_lines: list[str]) -> list[str]:
    return extract_flat(page_lines).body_lines


def _page(head: str = "<title>Breakwater to be rebuilt | Example News</title>") -> str:
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        f"<html><head>{head}</head><body><nav><ul><li><a href='/'>Home</a></li><li>Sport</li></ul></nav>"
        f"<article><h1>Breakwater to be rebuilt</h1>{body}</article><footer>Contact us</footer></body></html>"
    )


def test_body_is_the_article_paragraphs() -> None:
    assert extract_html(_page()).body.split("\n")[-3:] == _PARAGRAPHS


def test_title_prefers_og_title_then_h1_when_the_page_title_confirms_it() -> None:
    confirmed = '<meta property="og:title" content="Breakwater to be rebuilt soon"><title>Breakwater to be rebuilt soon | News</title>'
    assert extract_html(_page(confirmed)).title == "Breakwater to be rebuilt soon"
    assert extract_html(_page()).title == "Breakwater to be rebuilt"  # the h1
    assert extract_html(_page("")).title == "Breakwater to be rebuilt"


def test_og_title_that_is_only_the_site_name_is_not_the_title() -> None:
    head = '<meta property="og:title" content="Example News"><title>Harbour plan approved - Example News</title>'
    page = _page(head).replace("<h1>Breakwater to be rebuilt</h1>", "")
    assert extract_html(page).title == "Harbour plan approved - Example News"


def test_empty_or_non_html_input_gives_no_body() -> None:
    assert extract_html("   ").body == ""
    assert extract_html("\x00\x01\x02").body == ""


def test_flatten_gives_one_line_per_block_without_scripts() -> None:
    tree = lxml_html.fromstring(
        "<html><body><div>Menu <b>bold</b> text</div><script>var x = 1;</script><ul><li>One</li><li>Two</li></ul>"
        "<p>First<br>second</p><!-- a comment --><p>Tail</p></body></html>"
    )
    assert flatten(tree) == ["Menu bold text", "One", "Two", "First", "second", "Tail"]


def test_page_lines_are_delivered_with_the_extraction() -> None:
    lines = extract_html(_page()).page_lines
    assert lines[:2] == ["Home", "Sport"]
    assert _PARAGRAPHS[0] in lines


def test_recall_repair_takes_the_continuation_when_trafilatura_stops_early() -> None:
    more = [f"Paragraph {n} goes on about the harbour, the rock, the boats and the people who work there every day." for n in range(6)]
    page = ["Home", "Sport", *_PARAGRAPHS[:1], "Advertisement", *_PARAGRAPHS[1:], *more, "Contact us"]
    assert complete_paragraphs(_PARAGRAPHS[:1], page, _flat(page), min_words=10) == [*_PARAGRAPHS, *more]


def test_recall_repair_keeps_trafilatura_when_the_page_adds_little() -> None:
    page = ["Home", *_PARAGRAPHS, "Example News is the best source of harbour news in the whole region, says everyone.", "Contact us"]
    assert complete_paragraphs(_PARAGRAPHS, page, _flat(page), min_words=20) == _PARAGRAPHS


def test_recall_repair_falls_back_to_page_text_when_trafilatura_found_nothing() -> None:
    page = ["Home", *_PARAGRAPHS, "Contact us"]
    assert complete_paragraphs([], page, _flat(page), min_words=20) == _PARAGRAPHS


def test_flatten_joins_source_line_breaks_inside_a_paragraph() -> None:
    tree = lxml_html.fromstring("<html><body><div><span>Photos\n which were released\n online</span> <em>today</em>.</div></body></html>")
    assert flatten(tree) == ["Photos which were released online today."]


def test_flatten_puts_a_table_row_on_one_line() -> None:
    tree = lxml_html.fromstring(
        "<html><body><table><tr><th>Pos</th><th>Driver</th></tr><tr><td>1</td><td>Kyle Busch</td></tr></table></body></html>"
    )
    assert flatten(tree) == ["Pos Driver", "1 Kyle Busch"]
