"""Page frames: a new body goes where the article was, the furniture around it stays."""

from __future__ import annotations

from services.bench.frames import html_frame, text_frame

_BODY = "\n".join(f"Paragraph {n} of the article says something long enough to count as prose, number {n}." for n in range(4))


def test_text_frame_keeps_the_lines_above_and_below_the_article() -> None:
    page = f"Menu\nSign in\n{_BODY}\nMore stories\nFooter"
    frame = text_frame(page, _BODY)
    assert frame.fill(["New body."]) == "Menu\nSign in\nNew body.\nMore stories\nFooter"


def test_text_frame_without_the_article_is_empty() -> None:
    assert text_frame("Menu\nFooter", _BODY).fill(["Only this."]) == "Only this."
    assert text_frame(None, _BODY).fill(["a", "b"]) == "a\nb"


def test_html_frame_puts_the_new_paragraphs_in_the_article_slots_only() -> None:
    markup = (
        "<html><body><p>Cookie notice that is long enough to be a paragraph of text here.</p>"
        + "".join(f"<p>{line}</p>" for line in _BODY.split("\n"))
        + "</body></html>"
    )
    frame = html_frame(markup, _BODY)
    assert frame is not None
    assert frame.slots == 4
    filled = frame.fill(["First new paragraph.", "Second.", "Third.", "Fourth.", "Fifth, joined to the fourth."])
    assert "Cookie notice" in filled
    assert "Paragraph 0" not in filled
    assert "<p>Fourth. Fifth, joined to the fourth.</p>" in filled


def test_html_frame_needs_enough_article_paragraphs() -> None:
    assert html_frame("<html><body><p>short</p></body></html>", _BODY) is None
    assert html_frame(None, _BODY) is None
