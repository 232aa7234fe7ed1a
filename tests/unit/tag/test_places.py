"""ISO codes for countries under the names news uses."""

from __future__ import annotations

import pytest

from services.tag.places import PlaceCodes


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Russia", "RU"),
        ("North Korea", "KP"),
        ("South Korea", "KR"),
        ("US", "US"),
        ("U.S.", "US"),
        ("the United States", "US"),
        ("Britain", "GB"),
        ("UK", "GB"),
        ("Germany", "DE"),
        ("Iran", "IR"),
        ("Turkey", "TR"),
        ("Scotland", "GB-SCT"),
    ],
)
def test_country_names_get_their_code(name: str, code: str) -> None:
    assert PlaceCodes().code(name) == code


@pytest.mark.parametrize("name", ["Pyongyang", "Kursk Region", "us", "it", "IT"])
def test_cities_regions_and_words_get_none(name: str) -> None:
    assert PlaceCodes().code(name) is None


def test_country_name_excludes_abbreviations() -> None:
    places = PlaceCodes()
    assert places.is_country_name("Belarus")
    assert not places.is_country_name("US")
