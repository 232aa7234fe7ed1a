"""Teams in results and tables: places followed by scores are clubs; countries and players keep their labels."""

from __future__ import annotations

from services.tag.backend import Mention
from services.tag.teams import team_spans, with_teams

_PLACES = {"Surrey", "Derby", "Leeds", "Kent"}
_COUNTRIES = {"Japan", "Syria"}


def _is_place(name: str) -> bool:
    return name in _PLACES


def _is_country(name: str) -> bool:
    return name in _COUNTRIES


def _names(text: str, mentions: list[Mention]) -> list[str]:
    return [text[start:end] for start, end in team_spans(text, mentions, _is_place, _is_country)]


def test_both_sides_of_a_result_line_are_teams() -> None:
    text = "SOCCER - ENGLISH RESULTS\nArsenal 2 Derby 2\nLotte 6 Hyundai 2 ( halftime 1-0 )"
    assert _names(text, []) == ["Arsenal", "Derby", "Lotte", "Hyundai"]


def test_the_name_heading_a_league_table_row_is_a_team() -> None:
    text = "Standings:\nGreenock Morton 3 2 0 1 5 2 6\nNEW YORK 74 59 .556 -"
    assert _names(text, []) == ["Greenock Morton", "NEW YORK"]


def test_a_place_with_a_score_in_a_line_of_figures_is_a_team() -> None:
    text = "London ( The Oval ) : Warwickshire 195 , Surrey 429-7 ."
    mentions = [
        Mention(name, label, text.index(name), text.index(name) + len(name))
        for name, label in [("London", "GPE"), ("Warwickshire", "GPE"), ("Surrey", "PERSON")]
    ]
    assert _names(text, mentions) == ["Warwickshire", "Surrey"]


def test_national_sides_keep_their_place_label() -> None:
    assert _names("Japan 2 Syria 1", []) == []


def test_players_in_a_scorecard_stay_people() -> None:
    text = "Bowling:\nGlenn McGrath 10 2 44 1\nShane Warne 9 1 38 2"
    mentions = [Mention("Glenn McGrath", "PERSON", 9, 22), Mention("Shane Warne", "PERSON", 33, 44)]
    assert _names(text, mentions) == []


def test_a_dateline_date_is_not_a_score() -> None:
    text = "LEEDS 1996-08-30\nLeeds said on Friday it had sold 12 players and 3 coaches."
    assert _names(text, [Mention("LEEDS", "GPE", 0, 5), Mention("Leeds", "GPE", 17, 22)]) == []


def test_team_spans_replace_the_model_spans_they_overlap() -> None:
    text = "Lotte 6 Hyundai 2"
    mentions = [Mention("Lotte 6", "MISC", 0, 7), Mention("Hyundai", "ORG", 8, 15)]
    teams = with_teams(mentions, [(0, 5), (8, 15)], text)
    assert sorted((m.text, m.label) for m in teams) == [("Hyundai", "ORG"), ("Lotte", "ORG")]
