"""flat_text: the article run of a flattened page, without navigation, boxes, comments or template."""

from __future__ import annotations

from services.clean.flat_text import extract_flat

_BODY = [
    "The harbour authority approved a plan on Tuesday to rebuild the northern breakwater, which was damaged in last winter's storms.",
    "Engineers say the new structure will be two metres higher and built from heavier rock than the original wall.",
    "Work is due to start in the spring and should take about eighteen months, according to the authority's director.",
    "Local fishermen welcomed the decision but asked for the harbour mouth to stay open while the work goes on.",
]
_NAV = ["Home", "News", "Sport", "Business", "Weather", "Sign in"]
_FOOTER = ["About us", "Contact us", "Privacy Policy", "Copyright \u00a9 2025 Example News"]


def _page(*parts: list[str]) -> list[str]:
    return [line for part in parts for line in part]


def test_keeps_the_article_and_drops_navigation_and_footer() -> None:
    page = _page(["Harbour breakwater to be rebuilt | Example News"], _NAV, ["Harbour breakwater to be rebuilt"], _BODY, _FOOTER)
    result = extract_flat(page)
    assert result.body_lines == _BODY
    assert result.title == "Harbour breakwater to be rebuilt"  # the repeated headline, without the site name


def test_title_is_the_first_line_when_the_headline_is_not_repeated() -> None:
    assert (
        extract_flat(_page(["Harbour breakwater to be rebuilt | Example News"], _BODY)).title
        == "Harbour breakwater to be rebuilt | Example News"
    )


def test_bridges_a_related_box_inside_the_article() -> None:
    box = ["Related", "Port traffic up five percent", "New ferry route announced"]
    page = _page(_NAV, _BODY[:2], box, _BODY[2:], _FOOTER)
    assert extract_flat(page).body_lines == _BODY  # prose resumes below the box, so the run goes on


def test_stops_at_the_comment_thread() -> None:
    comments = [
        "12 Comments",
        "reader42",
        "2 hours ago",
        "I have been saying for years that this wall needed to be rebuilt properly, finally!",
    ]
    page = _page(_NAV, _BODY, comments)
    assert extract_flat(page).body_lines == _BODY


def test_short_subheading_between_paragraphs_is_kept() -> None:
    page = _page(_NAV, _BODY[:2], ["What happens next"], _BODY[2:], _FOOTER)
    assert extract_flat(page).body_lines == [*_BODY[:2], "What happens next", *_BODY[2:]]


def test_template_lines_are_dropped_even_when_they_read_as_prose() -> None:
    promo = "Example News brings you the latest stories from the harbour and the region every single day of the year."
    page = _page(_NAV, _BODY, [promo], _FOOTER)
    assert promo in extract_flat(page).body_lines
    assert promo not in extract_flat(page, template={promo}).body_lines


def test_page_of_chrome_only_has_no_body() -> None:
    assert extract_flat(_page(_NAV, _FOOTER)).body_lines == []
    assert extract_flat([]).body_lines == []


def test_an_ad_slot_does_not_cut_off_the_paragraph_above_it() -> None:
    page = _page(_NAV, _BODY[:1], ["Advertisement"], _BODY[1:], _FOOTER)
    assert extract_flat(page).body_lines == _BODY


def test_paragraph_cut_off_by_a_paywall_stays_but_teasers_ending_in_dots_do_not() -> None:
    cut_off = "The quarterback did not suffer a concussion, but the league suspended the defensive end for the rest of the season and..."
    teasers = ["Breaking News", "Council approves budget The council on Tuesday approved a budget that will raise local taxes for..."]
    page = _page(_NAV, _BODY, [cut_off], ["To read the full story", "Subscribe"], teasers, _FOOTER)
    assert extract_flat(page).body_lines == [*_BODY, cut_off]


def test_a_results_table_belongs_to_the_article_but_a_few_dated_lines_do_not() -> None:
    table = ["Pos Driver Points Wins", *[f"{n} Driver Name{n} {5000 - n * 10} {n % 3} {n % 5}" for n in range(1, 9)]]
    page = _page(_NAV, _BODY[:2], table, _FOOTER)
    assert extract_flat(page).body_lines == [*_BODY[:2], *table]  # the header row is kept as a subheading
    dated = ["20 Nov 2019 08:00 GMT", "21 Nov 2019 09:00 GMT", "22 Nov 2019 10:00 GMT"]
    assert extract_flat(_page(_NAV, _BODY, dated, _FOOTER)).body_lines == _BODY


def test_a_numbered_list_with_links_between_items_belongs_to_the_article() -> None:
    items = [line for n in range(1, 6) for line in (f"{n}) Gift number {n} for the holidays", f"http://amzn.to/{n}abc")]
    page = _page(_NAV, _BODY[:2], items, _FOOTER)
    assert extract_flat(page).body_lines == [*_BODY[:2], *items[:-1]]  # the run ends on the last item
