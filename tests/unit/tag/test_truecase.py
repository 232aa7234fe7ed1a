"""Truecasing of all-caps lines keeps every offset and leaves normal text alone."""

from __future__ import annotations

from services.tag.truecase import is_shouting, truecase_shouting


def test_shouting_line_takes_casing_from_the_document() -> None:
    text = "LAVROV MEETS KIM IN PYONGYANG\nSergey Lavrov flew to Pyongyang to meet Kim."
    headline = truecase_shouting(text).split("\n")[0]
    assert headline == "Lavrov meets Kim in Pyongyang"


def test_length_and_offsets_are_unchanged() -> None:
    text = "MOSCOW 2025-07-12\nSTRASSE AND İSTANBUL NEWS\nBody text here."
    assert len(truecase_shouting(text)) == len(text)


def test_mixed_case_text_is_unchanged() -> None:
    text = "The US and the EU met in Brussels."
    assert truecase_shouting(text) == text


def test_acronyms_are_not_shouting() -> None:
    assert not is_shouting("NATO")
    assert is_shouting("LONDON 1996-08-30")
