"""Canonical names: mentions of one entity merge under its fullest name within a document."""

from __future__ import annotations

from services.tag.backend import Mention
from services.tag.canonical import group_mentions, name_key
from services.tag.places import PlaceCodes


def mentions_of(*spans: tuple[str, str]) -> list[Mention]:
    """Mentions laid out one after another, as if in a text."""
    out, position = [], 0
    for text, label in spans:
        out.append(Mention(text, label, position, position + len(text)))
        position += len(text) + 1
    return out


def canonical_by_text(mentions: list[Mention]) -> dict[str, str]:
    groups = group_mentions(mentions, PlaceCodes().code)
    return {mentions[i].text: g.canonical for g in groups for i in g.members}


def test_surname_merges_into_the_full_name() -> None:
    found = mentions_of(("Sergey Lavrov", "PERSON"), ("Sergey Shoigu", "PERSON"), ("Lavrov", "PERSON"), ("Shoigu", "PERSON"))
    assert canonical_by_text(found) == {
        "Sergey Lavrov": "Sergey Lavrov",
        "Lavrov": "Sergey Lavrov",
        "Sergey Shoigu": "Sergey Shoigu",
        "Shoigu": "Sergey Shoigu",
    }


def test_group_counts_every_mention() -> None:
    found = mentions_of(("Sergey Lavrov", "PERSON"), ("Lavrov", "PERSON"), ("Lavrov's", "PERSON"))
    (group,) = group_mentions(found, PlaceCodes().code)
    assert group.canonical == "Sergey Lavrov"
    assert group.members == (0, 1, 2)


def test_ambiguous_short_name_takes_the_nearest_full_name_before_it() -> None:
    found = mentions_of(("Kim Jong-un", "PERSON"), ("Kim Yo-jong", "PERSON"), ("Kim", "PERSON"))
    assert canonical_by_text(found)["Kim"] == "Kim Yo-jong"


def test_short_name_without_a_full_form_stays_itself() -> None:
    assert canonical_by_text(mentions_of(("Lavrov", "PERSON"))) == {"Lavrov": "Lavrov"}


def test_organisation_acronym_merges_into_its_long_name() -> None:
    found = mentions_of(("European Union", "ORG"), ("EU", "ORG"))
    assert canonical_by_text(found)["EU"] == "European Union"


def test_places_with_one_iso_code_merge_under_the_longest_name() -> None:
    found = mentions_of(("US", "GPE"), ("United States", "GPE"), ("U.S.", "GPE"))
    (group,) = group_mentions(found, PlaceCodes().code)
    assert (group.canonical, group.iso_code, len(group.members)) == ("United States", "US", 3)


def test_people_and_places_never_merge() -> None:
    found = mentions_of(("George Washington", "PERSON"), ("Washington", "GPE"))
    assert canonical_by_text(found)["Washington"] == "Washington"


def test_name_key_drops_possessive_and_line_breaks() -> None:
    assert name_key("Lavrov's") == "Lavrov"
    assert name_key("Kursk\nRegion") == "Kursk Region"
