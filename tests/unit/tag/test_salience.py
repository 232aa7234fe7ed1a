"""Salience: title, then lead position, then frequency; always within [0, 1]."""

from __future__ import annotations

from services.tag.backend import Mention
from services.tag.canonical import EntityGroup
from services.tag.salience import in_title, salience


def group(name: str, *members: int) -> EntityGroup:
    return EntityGroup(canonical=name, label="PERSON", iso_code=None, members=members)


MENTIONS = [Mention("Alpha", "PERSON", 0, 5), Mention("Beta", "PERSON", 500, 504), Mention("Beta", "PERSON", 900, 904)]


def test_an_entity_named_in_the_title_outranks_one_that_is_not() -> None:
    alpha, beta = salience([group("Alpha", 0), group("Beta", 1, 2)], MENTIONS, 1000, title="Beta wins")
    assert beta > alpha


def test_without_a_title_the_earlier_entity_wins_at_equal_frequency() -> None:
    mentions = [Mention("Alpha", "PERSON", 0, 5), Mention("Beta", "PERSON", 800, 804)]
    alpha, beta = salience([group("Alpha", 0), group("Beta", 1)], mentions, 1000, title=None)
    assert alpha > beta


def test_more_mentions_raise_salience() -> None:
    mentions = [Mention("A", "PERSON", 100, 101), Mention("B", "PERSON", 100, 101), Mention("B", "PERSON", 900, 901)]
    once, twice = salience([group("A", 0), group("B", 1, 2)], mentions, 1000, title=None)
    assert twice > once


def test_scores_stay_within_unit_interval() -> None:
    scores = salience([group("Alpha", 0), group("Beta", 1, 2)], MENTIONS, 1000, title="Alpha and Beta")
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_title_match_ignores_case_but_not_for_short_names() -> None:
    assert in_title("LAVROV THANKS NORTH KOREA", {"Lavrov"})
    assert not in_title("Tell us more", {"US"})
    assert in_title("US and Russia", {"US"})
