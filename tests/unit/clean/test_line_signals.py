"""line_signals: prose scores positive and grows with length; chrome and metadata score negative."""

from __future__ import annotations

from services.clean.line_signals import content_score, signals_of

_PARAGRAPH = "The council approved the plan on Tuesday after a debate that lasted for most of the afternoon session."


def test_paragraph_scores_positive_and_longer_paragraphs_score_more() -> None:
    short = content_score(signals_of("The council approved the plan on Tuesday afternoon."))
    long = content_score(signals_of(_PARAGRAPH + " " + _PARAGRAPH))
    assert 0 < short < long


def test_menu_items_and_chrome_score_negative() -> None:
    assert content_score(signals_of("World News")) < 0
    assert content_score(signals_of("Privacy Policy")) < content_score(signals_of("World News"))


def test_stream_metadata_lines_are_recognised() -> None:
    for line in ["2 hours ago", "Rating: 36 Votes", "12H ago 34 photos", "- 3 days ago"]:
        assert signals_of(line).stream_metadata, line
    assert not signals_of("He arrived 2 hours ago from Paris, officials said.").stream_metadata


def test_truncated_teasers_score_negative() -> None:
    assert content_score(signals_of("The government said on Wednesday that it would restore the service as soon as...")) < 0


def test_unspaced_scripts_count_about_two_characters_per_word() -> None:
    assert signals_of("\u4eca\u5929\u5e02\u8bae\u4f1a\u6279\u51c6\u4e86\u65b0\u6865\u7684\u9884\u7b97\u3002").words >= 6


def test_sentence_end_in_several_scripts() -> None:
    for line in [
        "Il a dit oui.",
        "\u4eca\u5929\u4e0b\u96e8\u3002",
        "\u0647\u0644 \u0647\u0630\u0627 \u0635\u062d\u064a\u062d\u061f",
        "\u092f\u0939 \u0938\u091a \u0939\u0948\u0964",
        "\u201cYes,\u201d he said.\u201d",
    ]:
        assert signals_of(line).sentence_end, line
    assert not signals_of("World News").sentence_end
