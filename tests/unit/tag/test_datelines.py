"""Datelines: the filing place at the start of a wire story is a place."""

from __future__ import annotations

import pytest

from services.tag.backend import Mention
from services.tag.datelines import dateline_evidence, dateline_places, with_datelines


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("CRICKET - LEICESTERSHIRE WIN\nLONDON 1996-08-30\nWest Indian Phil Simmons took four.", ["LONDON"]),
        ("SOCCER - NICE WIN\nNICE , France 1996-08-30\nNice won.", ["NICE", "France"]),
        ("MOSCOW (Reuters) - Russia said on Friday.", ["MOSCOW"]),
        ("WASHINGTON, July 12 - The Senate voted.", ["WASHINGTON"]),
        ("PHNOM PENH, Cambodia (AP) — Talks began.", ["PHNOM PENH", "Cambodia"]),
    ],
)
def test_dateline_places_are_found(text: str, places: list[str]) -> None:
    assert [text[start:end] for start, end in dateline_places(text)] == places


@pytest.mark.parametrize(
    "text",
    [
        "CRICKET - LEICESTERSHIRE TAKE OVER AT TOP",
        "Sergey Lavrov said - nothing more.",
        "First line.\nSecond line.\nThird line.\nBONN 1996-08-30",
    ],
)
def test_slugs_sentences_and_late_lines_are_not_datelines(text: str) -> None:
    assert dateline_places(text) == []


def test_dateline_replaces_overlapping_model_mentions() -> None:
    text = "PHNOM PENH 1996-08-30\nKing Sihanouk returned."
    mentions = [Mention("PHNOM", "PERSON", 0, 5), Mention("Sihanouk", "PERSON", 27, 35)]
    result = with_datelines(mentions, dateline_places(text), text)
    assert sorted((m.text, m.label) for m in result) == [("PHNOM PENH", "GPE"), ("Sihanouk", "PERSON")]


def test_the_dateline_place_is_a_place_wherever_the_body_names_it() -> None:
    text = "LONGYEAR , Norway 1996-08-30\nRescuers in Longyear said."
    mentions = [Mention("LONGYEAR", "GPE", 0, 8), Mention("Longyear", "PERSON", 41, 49)]
    assert dateline_evidence(mentions, dateline_places(text), text) == {"LONGYEAR": "GPE", "Longyear": "GPE"}
