"""One sense per document: consistent labels, and recurrences the model missed."""

from __future__ import annotations

from services.tag.backend import Mention
from services.tag.consistency import harmonise_labels, propagate_mentions
from services.tag.name_evidence import defined_acronyms


def test_majority_label_wins_for_a_surface_form() -> None:
    found = [Mention("Arbil", "GPE", 0, 5), Mention("Arbil", "GPE", 10, 15), Mention("Arbil", "ORG", 20, 25)]
    assert {m.label for m in harmonise_labels(found)} == {"GPE"}


def test_a_part_of_a_full_person_name_is_that_person() -> None:
    found = [Mention("Alexander Lebed", "PERSON", 0, 15), Mention("Lebed", "GPE", 30, 35)]
    assert harmonise_labels(found)[1].label == "PERSON"


def test_missed_recurrences_of_a_name_are_added() -> None:
    text = "Alexander Lebed spoke. Later Lebed left, and Lebed returned."
    found = [Mention("Alexander Lebed", "PERSON", 0, 15)]
    added = propagate_mentions(text, found)[1:]
    assert [(m.text, m.label, text[m.start : m.end]) for m in added] == [("Lebed", "PERSON", "Lebed")] * 2


def test_no_recurrence_inside_a_longer_capitalised_name() -> None:
    text = "Washington said so. The Washington Post did not."
    found = [Mention("Washington", "GPE", 0, 10)]
    assert propagate_mentions(text, found) == found


def test_an_acronym_defined_for_an_organisation_is_that_organisation() -> None:
    text = "The Kurdistan Democratic Party (KDP) said KDP forces and the KDP leader agreed."
    found = [Mention("Kurdistan Democratic Party", "ORG", 4, 30), Mention("KDP", "GPE", 42, 45)]
    acronyms = defined_acronyms(text, found)
    assert acronyms == {"KDP": "ORG"}
    result = propagate_mentions(text, harmonise_labels(found, acronyms), acronyms=acronyms)
    assert sorted((m.start, m.text, m.label) for m in result if m.text == "KDP") == [
        (32, "KDP", "ORG"),
        (42, "KDP", "ORG"),
        (61, "KDP", "ORG"),
    ]


def test_a_parenthesis_after_a_person_defines_nothing() -> None:
    assert defined_acronyms("Quigley (USA) won.", [Mention("Quigley", "PERSON", 0, 7)]) == {}
