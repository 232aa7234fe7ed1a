"""ISO 3166 codes of countries and similar places, from pycountry plus the names news actually uses."""

from __future__ import annotations

import re

import pycountry

from services.tag.gazetteer import PlaceNames, shared_place_names
from services.tag.spaces import single_spaced

# Everyday names pycountry does not list (it says "Russian Federation", "Türkiye", "Viet Nam", ...).
_ALIASES = {
    "america": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states": "US",
    "britain": "GB",
    "great britain": "GB",
    "u.k.": "GB",
    "uk": "GB",
    "russia": "RU",
    "turkey": "TR",
    "macedonia": "MK",
    "palestine": "PS",
    "vatican": "VA",
    "vatican city": "VA",
    "ivory coast": "CI",
    "micronesia": "FM",
    "brunei": "BN",
    "cape verde": "CV",
    "swaziland": "SZ",
    "holland": "NL",
    "burma": "MM",
    "east timor": "TL",
    "czechia": "CZ",
    "dr congo": "CD",
    "drc": "CD",
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "republic of congo": "CG",
    "uae": "AE",
    "emirates": "AE",
    "syria": "SY",
    "laos": "LA",
    "south korea": "KR",
    "north korea": "KP",
}
# The UK's constituent countries are not in ISO 3166-1; their ISO 3166-2 codes are the useful ones.
_UK_COUNTRIES = {"england": "GB-ENG", "scotland": "GB-SCT", "wales": "GB-WLS", "northern ireland": "GB-NIR"}
# Runs of capitalised words, allowing the joiners of names like "Bosnia and Herzegovina".
_CAPITALISED_RUN = re.compile(r"(?<![\w.])[A-Z][\w'.-]*(?:[ ](?:(?:of|and|the)[ ])?[A-Z][\w'.-]*)*")
_WORD_IN_RUN = re.compile(r"\S+")
# Country names that are also common first names or parts of other names.
_AMBIGUOUS = frozenset({"jordan", "chad", "georgia", "jersey", "guinea", "niger", "dominica"})
_MAX_NAME_WORDS = 5


class PlaceCodes:
    """Maps a place name as written ("Russia", "the U.S.", "North Korea") to its ISO 3166 code."""

    def __init__(self, gazetteer: PlaceNames | None = None) -> None:
        self.gazetteer = gazetteer or shared_place_names()
        names: dict[str, str] = {}
        for country in pycountry.countries:
            for attribute in ("name", "common_name", "official_name"):
                value = getattr(country, attribute, None)
                if value:
                    names[value.lower()] = country.alpha_2
        names.update(_UK_COUNTRIES)
        names.update(_ALIASES)
        self._names = names
        # A name can only start at a word that starts some name: most capitalised words start none.
        self._first_words = frozenset(name.split(" ")[0] for name in names)
        # Codes as names only when written in capitals ("USA", "UK"), never "us" or "it".
        self._codes = {c.alpha_3: c.alpha_2 for c in pycountry.countries} | {"US": "US", "UK": "GB"}

    def code(self, name: str) -> str | None:
        """ISO 3166-1 alpha-2 (or 3166-2 for England, Scotland, Wales, Northern Ireland), else None."""
        cleaned = single_spaced(name)
        cleaned = cleaned.removeprefix("the ").removeprefix("The ")
        if cleaned in self._codes:
            return self._codes[cleaned]
        return self._names.get(cleaned.lower())

    def find_country_names(self, text: str) -> list[tuple[int, int]]:
        """Spans of written-out country names in the text (longest first within each capitalised run)."""
        spans: list[tuple[int, int]] = []
        first_words = self._first_words
        for run in _CAPITALISED_RUN.finditer(text):
            # Words in a run are parted by single spaces; most runs ("The", "He said") hold no word a name starts with.
            lowered = run.group().lower().split(" ")
            if first_words.isdisjoint(lowered) and first_words.isdisjoint(word.rstrip(".") for word in lowered if word.endswith(".")):
                continue
            words = [(w.start() + run.start(), w.end() + run.start()) for w in _WORD_IN_RUN.finditer(run.group())]
            index = 0
            while index < len(words):
                first = text[words[index][0] : words[index][1]].lower()
                if first not in first_words and first.rstrip(".") not in first_words:
                    index += 1
                    continue
                for size in range(min(_MAX_NAME_WORDS, len(words) - index), 0, -1):
                    start, end = words[index][0], words[index + size - 1][1]
                    name = text[start:end].rstrip(".")
                    if self.is_country_name(name) and name.lower() not in _AMBIGUOUS:
                        spans.append((start, start + len(name)))
                        index += size
                        break
                else:
                    index += 1
        return spans

    def is_place_name(self, name: str) -> bool:
        """A known place (country, subdivision or city) as written: "Ankara", "Surrey", "Kiel"."""
        return name in self.gazetteer

    def is_country(self, name: str) -> bool:
        """A country however written ("Japan", "U.S.", "UK"): its national side is written as its name."""
        return self.code(name) is not None

    def is_country_name(self, name: str) -> bool:
        """A written-out name (not an abbreviation) of a country or territory."""
        cleaned = single_spaced(name)
        return len(cleaned) > 3 and cleaned.lower() in self._names and cleaned[:1].isupper()
