"""One sense per document: consistent labels, and recurrences the model missed."""

from __future__ import annotations

from services.tag.backend import Mention
from services.tag.consistency import harmonise_labels, propagate_mentions


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
