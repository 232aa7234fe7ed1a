"""The place gazetteer: countries, subdivisions and large cities, not surnames or compass words."""

from __future__ import annotations

from services.tag.gazetteer import PlaceNames, shared_place_names


def test_knows_cities_counties_and_their_english_names() -> None:
    places = shared_place_names()
    for name in ("Kiel", "Kiev", "Kyiv", "Ankara", "Moscow", "Surrey", "Japan", "Lyon"):
        assert name in places, name


def test_small_towns_named_like_people_and_compass_points_are_not_evidence() -> None:
    places = shared_place_names()
    for name in ("Clinton", "Dole", "Western", "Central", "Chandana"):
        assert name not in places, name


def test_without_cities_only_countries_and_subdivisions() -> None:
    places = PlaceNames(cities=False)
    assert "Ankara" in places  # a Turkish province
    assert "Kiel" not in places
    assert len(places) < len(shared_place_names())
