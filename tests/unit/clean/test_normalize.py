"""normalize: mojibake repaired, typography kept, whitespace and paragraphs normalised."""

from __future__ import annotations

import unicodedata

from services.clean.normalize import clean_line, join_paragraphs, lines_of, repair, unwrap, unwrap_blocks


def test_repairs_utf8_read_as_windows_1252() -> None:
    assert repair("The caf\u00c3\u00a9 said \u00e2\u20ac\u0153yes\u00e2\u20ac\u009d") == "The caf\u00e9 said \u201cyes\u201d"


def test_keeps_curly_quotes_dashes_and_full_width_punctuation_as_written() -> None:
    text = "\u201cQuoted\u201d \u2018single\u2019 \u2014 em \u2013 en; \u4f60\u597d\uff0c\u4e16\u754c\uff01"
    assert repair(text) == text


def test_normalises_to_nfc() -> None:
    decomposed = "Cafe\u0301 cre\u0300me"
    assert repair(decomposed) == unicodedata.normalize("NFC", decomposed)
    assert repair(decomposed) == "Caf\u00e9 cr\u00e8me"


def test_removes_control_and_zero_width_characters_and_unifies_line_breaks() -> None:
    assert repair("a\x00b\u200bc\r\nd\re\x07") == "abc\nd\ne"


def test_collapses_inner_whitespace_including_no_break_spaces() -> None:
    assert clean_line("  two\u00a0\u00a0words \t here ") == "two words here"


def test_lines_of_keeps_blank_lines_as_empty_strings() -> None:
    assert lines_of("First  line\n\n  second\tline ") == ["First line", "", "second line"]


def test_paragraphs_are_separated_by_exactly_one_blank_line() -> None:
    assert join_paragraphs(["One.", "", "  ", "Two  words.", "Three."]) == "One.\n\nTwo words.\n\nThree."


def test_surrogate_pairs_are_joined_and_lone_halves_replaced() -> None:
    repaired = repair("smile \ud83d\ude00 and a lone \ud83d half")
    assert repaired == "smile \U0001f600 and a lone \ufffd half"
    repaired.encode("utf-8")  # encodable, so it can go on the topic


def test_unwrap_joins_lines_broken_inside_a_sentence_only() -> None:
    lines = ["Photos", "which were released online show the actress", "in new photos.", "Kate Henshaw", "Veteran actress:", "more text."]
    assert unwrap(lines) == [
        "Photos which were released online show the actress in new photos.",
        "Kate Henshaw",
        "Veteran actress:",
        "more text.",
    ]


def test_hard_wrapped_text_is_unwrapped_into_paragraphs() -> None:
    wrapped = [
        "Gaming used to be so simple. We would buy a game, sit down in front of a",
        "console or PC, grind our way to the end, then repeat it all over again now.",
        "",
        "Now we spend money over and over on virtual perks. We play on phones and",
        "tablets while socialising with far-flung friends, and there is no real end.",
        "",
        "Developers keep updating their biggest hits with new maps, missions and new",
        "characters, so the games we bought years ago are still changing every week.",
    ]
    assert unwrap_blocks(wrapped) == [" ".join(wrapped[0:2]), " ".join(wrapped[3:5]), " ".join(wrapped[6:8])]
    with_a_long_link = [*wrapped, "", "https://www.example.com/a/very/long/link/that/does/not/fit/any/width/at/all/really/none"]
    assert len(unwrap_blocks(with_a_long_link)) == 4  # one over-long line does not hide the wrapping


def test_text_with_long_paragraph_lines_is_not_unwrapped() -> None:
    lines = ["Home", "", "A paragraph line that is much longer than any wrapping width would allow, " * 3, "", "News"]
    assert unwrap_blocks(lines) == lines
