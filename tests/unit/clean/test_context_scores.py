"""context_scores: paywall cut-offs, table rows and numbered lists rescored from their neighbours."""

from __future__ import annotations

from services.clean.context_scores import rescore_in_context
from services.clean.line_signals import content_score, signals_of

_PROSE = "The council approved the plan on Tuesday after a debate that lasted for most of the afternoon."


def _rescored(lines: list[str]) -> list[float]:
    signals = [signals_of(line) for line in lines]
    scores = [content_score(signal) for signal in signals]
    rescore_in_context(scores, lines, signals)
    return scores


def test_cut_off_paragraph_below_prose_scores_as_prose_but_not_below_a_headline() -> None:
    cut_off = "The quarterback did not suffer a concussion, but the league suspended the defensive end and..."
    assert _rescored([_PROSE, cut_off])[1] > 0
    assert _rescored(["Council approves budget", cut_off])[1] < 0


def test_three_rows_of_a_table_score_positive_two_do_not() -> None:
    rows = ["1 Kyle Busch 5040 5 17", "2 Martin Truex 5035 7 15", "3 Kevin Harvick 5033 4 15"]
    assert all(score > 0 for score in _rescored(rows))
    assert all(score < 0 for score in _rescored(rows[:2]))


def test_consecutive_numbered_items_score_positive_and_the_lines_between_them_neutral() -> None:
    lines = ["1) Lego set", "http://amzn.to/a", "2) Race track", "http://amzn.to/b", "3) Film box", "5) Not next"]
    scores = _rescored(lines)
    assert [score > 0 for score in scores[:5:2]] == [True, True, True]
    assert scores[1] == scores[3] == 0.0
    assert scores[5] < 0  # breaks the sequence
