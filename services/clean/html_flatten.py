"""HTML to flattened page text: one line per block, the shape a DOM-less scraper delivers."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

# Never visible text.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "head", "select", "button", "object", "canvas"})
# Elements that start a new line. Table cells do not: a row is one line, as scrapers render it.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul", "caption", "center",
    }
)  # fmt: skip


_CELLS = frozenset({"td", "th"})
# Source line breaks inside a paragraph are just spaces; only block elements break lines.
_SPACE = re.compile(r"\s+")


def flatten(tree: lxml_html.HtmlElement) -> list[str]:
    """The page's visible text, one non-blank line per block element, whitespace collapsed."""
    parts: list[str] = []
    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIPPED or not tag:  # comments and processing instructions have no str tag
                walker.skip_subtree()
                continue
            if tag in _BLOCKS:
                parts.append("\n")
            if element.text:
                parts.append(_SPACE.sub(" ", element.text))
        else:
            if tag in _BLOCKS:
                parts.append("\n")
            elif tag in _CELLS:
                parts.append(" ")
            if element.tail:
                parts.append(_SPACE.sub(" ", element.tail))
    return [line for line in (" ".join(raw.split()) for raw in "".join(parts).split("\n")) if line]
