"""content_kind from how a body is built, and short or non-prose news kept while pages with no news are not."""

from __future__ import annotations

from datetime import UTC, datetime

from services.clean import CleanStage
from services.clean.content_kind import content_kind, is_row
from services.messages import CleanArticle, RawArticle
from services.stage import Rejection

_FETCHED = datetime(2026, 11, 20, tzinfo=UTC)
_RESULTS = [
    "Results of Saturday's league matches:",
    "Harbour United 2 Westerby Town 1",
    "Millford Rovers 0 Kingsbridge 0",
    "Eastwick Athletic 3 Northgate 2",
    "Port Alden 1 Riverside 4",
]
_STANDINGS = (
    "Team | P | W | D | L | Pts\nHarbour United | 10 | 7 | 2 | 1 | 23\nRiverside | 10 | 6 | 3 | 1 | 21\nNorthgate | 10 | 5 | 1 | 4 | 16"
)
_BRIEF = "The central bank left its main interest rate unchanged at 3.5 percent on Thursday, as analysts had expected."
_STORY = " ".join([_BRIEF] * 10)


def _raw(**fields: str) -> RawArticle:
    return RawArticle.model_validate({"fetched_at": _FETCHED, **fields})


def test_rows_are_figures_among_names_or_cells() -> None:
    assert is_row("Harbour United 2 Westerby Town 1")
    assert is_row("Red Star ( Yugoslavia ) beat Dinamo ( Russia ) 92-90")
    assert is_row("Team | P | W")
    assert not is_row(_BRIEF)  # one figure in a sentence
    assert not is_row("The council met on 12 March with 40 residents and the mayor of the town present in the hall")


def test_kinds_follow_the_shape_of_the_lines() -> None:
    assert content_kind(_RESULTS) == "table"
    assert content_kind(_STANDINGS.split("\n")) == "table"
    assert content_kind([_BRIEF]) == "brief"
    assert content_kind([_STORY, _STORY]) == "story"
    assert (
        content_kind(
            [
                "Harbour United v Westerby Town",
                "Millford Rovers v Kingsbridge",
                "Eastwick v Northgate",
                "Port Alden v Riverside",
                "Kingsbridge v Harbour United",
            ]
        )
        == "listing"
    )


def test_a_results_table_is_news_and_kept_as_a_table() -> None:
    (result,) = CleanStage().process([_raw(text="SOCCER - LEAGUE RESULTS\n" + "\n".join(_RESULTS), title="League results")])
    assert isinstance(result, CleanArticle), result
    assert result.content_kind == "table"
    assert "Port Alden 1 Riverside 4" in result.body


def test_a_standings_table_in_html_is_kept() -> None:
    rows = "".join("<tr>" + "".join(f"<td>{cell.strip()}</td>" for cell in row.split("|")) + "</tr>" for row in _STANDINGS.split("\n"))
    html = f"<html><head><title>Standings</title></head><body><h1>Standings</h1><table>{rows}</table></body></html>"
    (result,) = CleanStage().process([_raw(html=html)])
    assert isinstance(result, CleanArticle), result
    assert result.content_kind == "table"
    assert "Harbour United" in result.body


def test_a_one_sentence_brief_is_kept() -> None:
    (result,) = CleanStage().process([_raw(text=f"RATES UNCHANGED\n{_BRIEF}")])
    assert isinstance(result, CleanArticle), result
    assert result.content_kind == "brief"
    assert _BRIEF in result.body


def test_navigation_error_and_login_pages_are_still_empty_body() -> None:
    pages = [
        _raw(text="Home\nNews\nSport\nBusiness\nWeather\nContact\nAbout us\nCareers\nArchive\nPodcasts\nVideo\nOpinion"),
        _raw(text="404\nPage not found\nHome\nSearch"),
        _raw(text="Log in\nUsername\nPassword\nForgot your password?\nSign in\nRegister"),
        _raw(html="<html><body><nav><a>Home</a><a>World</a><a>Markets</a><a>Sport</a></nav><p>Sign in</p></body></html>"),
    ]
    for result in CleanStage().process(pages):
        assert isinstance(result, Rejection), result
        assert result.reason == "empty_body"
