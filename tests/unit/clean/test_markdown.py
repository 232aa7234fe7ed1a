"""markdown: Markdown page text to the words a reader sees, only when the text is Markdown."""

from __future__ import annotations

from services.clean.markdown import looks_like_markdown, plain_line


def test_links_keep_their_text_and_images_and_definitions_go() -> None:
    assert plain_line("NASA enlisted [Blue Origin][3] and [SpaceX](https://spacex.com) ![logo](a.png) today.") == (
        "NASA enlisted Blue Origin and SpaceX  today."
    )
    assert plain_line("[3]: https://www.blueorigin.com") == ""


def test_heading_marks_bullets_and_bold_go() -> None:
    assert plain_line("# The Future of Banking") == "The Future of Banking"
    assert plain_line("* Business") == "Business"
    assert plain_line("**Washington, DC**: Getting to the Moon") == "Washington, DC: Getting to the Moon"


def test_prose_with_a_stray_asterisk_is_not_markdown() -> None:
    assert not looks_like_markdown("The results* were published on Tuesday.\n*Figures are provisional.")
    assert looks_like_markdown("# Title\n\n* one\n* two\n\nSee [a](b) and [c](d) and **e** and **f**.")
    assert not looks_like_markdown("\n".join(["- Russia Today"] * 10))  # dashed source lines are not bullets
