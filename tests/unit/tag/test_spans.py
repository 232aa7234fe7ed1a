"""Tidying model spans: articles, line breaks, slugs, glued numbers; offsets stay valid."""

from __future__ import annotations

import pytest

from services.tag.backend import Mention
from services.tag.spans import join_person_names, tidy


def tidied(text: str, label: str, **switches: bool) -> list[str]:
    found = tidy(Mention(text, label, 0, len(text)), text, **switches)
    assert all(text[m.start : m.end] == m.text for m in found)
    return [m.text for m in found]


@pytest.mark.parametrize(
    ("span", "label", "names"),
    [
        ("the United States", "GPE", ["United States"]),
        ("CRICKET - PAKISTAN", "ORG", ["PAKISTAN"]),
        ("AMERICAN LEAGUE\nEASTERN", "ORG", ["AMERICAN LEAGUE"]),
        ("3 1 2 0 5 3 5\nEverton", "ORG", ["Everton"]),
        ("Fujiwara 38:33.595\n", "PERSON", ["Fujiwara"]),
        ("Melbourne 21 7", "ORG", ["Melbourne"]),
        ("Boeing 747", "PRODUCT", ["Boeing 747"]),
        ("3 2 1 0", "NORP", []),
        ("Sergey Lavrov", "PERSON", ["Sergey Lavrov"]),
    ],
)
def test_tidy_keeps_the_name(span: str, label: str, names: list[str]) -> None:
    assert tidied(span, label) == names


def test_switches_turn_corrections_off() -> None:
    assert tidied("the United States", "GPE", articles=False) == ["the United States"]
    assert tidied("CRICKET - PAKISTAN", "ORG", breaks=False) == ["CRICKET - PAKISTAN"]


def test_offsets_are_into_the_whole_text() -> None:
    text = "Talks in the United States ended."
    (mention,) = tidy(Mention("the United States", "GPE", 9, 26), text)
    assert (mention.start, mention.end, text[mention.start : mention.end]) == (13, 26, "United States")


def test_a_split_off_possessive_is_dropped() -> None:
    assert tidied("Mother Teresa 's", "PERSON") == ["Mother Teresa"]
    assert tidied("McDonald's", "ORG") == ["McDonald's"]


def test_lower_case_spans_are_not_names() -> None:
    assert tidied("parliament", "ORG") == []
    assert tidied("parliament", "ORG", breaks=False) == ["parliament"]


def test_a_person_name_the_model_cut_short_takes_its_last_word() -> None:
    text = "He met Foreign Minister Choe Son Hui in Wonsan."
    start = text.index("Choe")
    (joined,) = join_person_names([Mention("Choe Son", "PERSON", start, start + 8)], text)
    assert (joined.text, joined.start, joined.end) == ("Choe Son Hui", start, start + 12)


def test_two_person_spans_one_space_apart_are_one_name() -> None:
    text = "Ahmed Sekou Toure spoke."
    joined = join_person_names([Mention("Ahmed", "PERSON", 0, 5), Mention("Sekou Toure", "PERSON", 6, 17)], text)
    assert [(m.text, m.label) for m in joined] == [("Ahmed Sekou Toure", "PERSON")]


def test_a_name_is_not_extended_over_a_date_a_possessive_or_a_line_break() -> None:
    text = "Sergey Lavrov Tuesday said\nGlenn Hoddle 's England"
    mentions = [
        Mention("Sergey Lavrov", "PERSON", 0, 13),
        Mention("Tuesday", "DATE", 14, 21),
        Mention("Glenn Hoddle 's", "PERSON", 27, 42),
    ]
    assert join_person_names(mentions, text) == mentions
