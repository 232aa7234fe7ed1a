"""A page's frame (navigation, footer, markup) with a different article body put inside it.

A real stream carries many articles per site, each inside that site's template. New bodies go into
the dev pages' own frames, so extraction meets real page furniture and real HTML at real page sizes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import lxml.html

_WORD = re.compile(r"\w+")
_MIN_PARAGRAPH_CHARS = 40
_MIN_HTML_SLOTS = 3


def _squash(text: str) -> str:
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


@dataclass(frozen=True)
class TextFrame:
    """Flattened page text above and below the article."""

    above: tuple[str, ...]
    below: tuple[str, ...]

    def fill(self, body: Sequence[str]) -> str:
        return "\n".join([*self.above, *body, *self.below])


def text_frame(page_text: str | None, body: str) -> TextFrame:
    """The lines around the article in the page text; no frame when the article cannot be found in it."""
    if not page_text:
        return TextFrame((), ())
    lines = paragraphs(page_text)
    squashed_body = _squash(body)
    inside = [index for index, line in enumerate(lines) if len(_WORD.findall(line)) >= 8 and _squash(line) in squashed_body]
    if not inside:
        return TextFrame((), ())
    return TextFrame(tuple(lines[: inside[0]]), tuple(lines[inside[-1] + 1 :]))


@dataclass(frozen=True)
class HtmlFrame:
    """A real HTML page whose article paragraphs (<p> elements) are slots for new text."""

    markup: str
    slots: int

    def fill(self, body: Sequence[str]) -> str:
        """The page with its slots' text replaced by `body`, paragraph by paragraph; spare paragraphs go into the last slot."""
        document = lxml.html.document_fromstring(self.markup)
        chosen = _slots(document, None)
        slots = len(chosen)
        texts = [*body[: slots - 1], " ".join(body[slots - 1 :])] if len(body) > slots else [*body, *[""] * (slots - len(body))]
        for element, text in zip(chosen, texts, strict=True):
            tail = element.tail
            element.clear()
            element.text = text
            element.tail = tail
        return str(lxml.html.tostring(document, encoding="unicode", method="html"))


def _slots(document: lxml.html.HtmlElement, body: str | None) -> list[lxml.html.HtmlElement]:
    squashed_body = _squash(body) if body else None
    found = []
    for element in document.iter("p"):
        text = _squash(element.text_content())
        if len(text) >= _MIN_PARAGRAPH_CHARS and (squashed_body is None or text[:_MIN_PARAGRAPH_CHARS] in squashed_body):
            found.append(element)
    return found


def html_frame(markup: str | None, body: str) -> HtmlFrame | None:
    """The page with only the <p> elements that hold its article as slots; None when it has too few of them."""
    if not markup or not markup.strip():
        return None
    document = lxml.html.document_fromstring(markup)
    chosen = _slots(document, body or None)
    if len(chosen) < _MIN_HTML_SLOTS:
        return None
    keep = {id(element) for element in chosen}
    # Paragraphs outside the article are no slots: mark the slots so fill() finds exactly these.
    for element in document.iter("p"):
        if id(element) not in keep:
            element.tag = "div"
    return HtmlFrame(str(lxml.html.tostring(document, encoding="unicode", method="html")), len(chosen))
