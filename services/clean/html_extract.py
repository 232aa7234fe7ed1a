"""Article body and title from HTML, with trafilatura as the extractor."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura
from lxml import html as lxml_html


@dataclass(frozen=True)
class HtmlExtraction:
    body: str
    title: str | None


def _title_from_tree(markup: str) -> str | None:
    """og:title, else <title>, else the first <h1>: the fallbacks when trafilatura finds no title."""
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None
    for xpath in ('//meta[@property="og:title"]/@content', "//title//text()", "//h1//text()"):
        found = " ".join(str(part) for part in tree.xpath(xpath)).strip()
        if found:
            return found
    return None


def extract_html(markup: str, *, url: str | None = None) -> HtmlExtraction:
    """Main text (paragraphs separated by newlines) and title of one page."""
    document = trafilatura.bare_extraction(
        markup,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_formatting=False,
        with_metadata=True,
        deduplicate=False,
        favor_precision=True,
    )
    if document is None:
        return HtmlExtraction(body="", title=_title_from_tree(markup))
    fields = document if isinstance(document, dict) else document.as_dict()
    body = str(fields.get("text") or "")
    title = str(fields.get("title") or "") or _title_from_tree(markup)
    return HtmlExtraction(body=body, title=title)
