"""chrome_phrases: whole-line page chrome and section-end headings, in several languages."""

from __future__ import annotations

import pytest

from services.clean.chrome_phrases import is_chrome, is_comment_heading, is_related_heading, is_section_end, normalise_phrase


def test_normalise_phrase_drops_case_and_trailing_punctuation() -> None:
    assert normalise_phrase("Related Articles:") == "related articles"
    assert normalise_phrase("Read more \u203a") == "read more"


@pytest.mark.parametrize(
    "line", ["Related Articles", "Comments", "[ 167 comments ]", "Kommentare", "Artículos relacionados", "Leia também", "More in Space"]
)
def test_section_end_headings(line: str) -> None:
    assert is_section_end(line)


@pytest.mark.parametrize(
    "line", ["Copyright \u00a9 2019 CBS Interactive Inc.", "Privacy Policy", "Sign in", "Impressum", "Share on Facebook"]
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome(line)


@pytest.mark.parametrize(
    "line",
    [
        "The comments were removed after the hearing.",
        "Related articles in the archive show the same pattern.",
        "Home prices rose.",
        "More than 100 people died in the floods on Tuesday.",
    ],
)
def test_sentences_that_mention_chrome_words_are_not_chrome(line: str) -> None:
    assert not is_chrome(line)
    assert not is_section_end(line)


def test_comment_and_related_headings_are_told_apart() -> None:
    assert is_comment_heading("No comments yet...")
    assert not is_comment_heading("Related Articles")
    assert is_related_heading("Related Articles")
    assert not is_related_heading("Comments")
