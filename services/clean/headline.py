"""Headlines in flattened text: the page title on the first line, and where it is repeated above the body."""

from __future__ import annotations

import re

from services.words import words

# "Headline - Site", "Headline | Site", "Site: Headline" — the separators titles use for the site name.
_SITE_SEPARATOR = re.compile(r"\s+[|\-\u2013\u2014\u00bb:]\s+")
_SENTENCE_END = re.compile(r"[.!?;:,]$")


def _tokens(text: str) -> list[str]:
    return [token.casefold() for token in words(text)]


def reads_as_headline(line: str) -> bool:
    """Short, not a sentence in the middle of prose, more than a lone word."""
    count = len(words(line))
    return 2 <= count <= 30 and len(line) <= 250 and not _SENTENCE_END.search(line.rstrip("\"'\u201d\u2019"))


def headline_core(title: str) -> str:
    """The title without a site-name part ("Headline - Site" -> "Headline"); the longest part wins."""
    parts = [part for part in _SITE_SEPARATOR.split(title) if part.strip()]
    return max(parts, key=len) if parts else title


def matches_headline(line: str, headline: str) -> bool:
    """The same headline, allowing a site suffix or small edits (token Jaccard >= 0.8)."""
    line_tokens, head_tokens = set(_tokens(line)), set(_tokens(headline))
    if len(head_tokens) < 2 or not line_tokens:
        return False
    return len(line_tokens & head_tokens) / len(line_tokens | head_tokens) >= 0.8


def find_repeat(lines: list[str], headline: str, *, start: int = 1) -> int | None:
    """Index of the first line from `start` on that repeats the headline (the h1 above the body)."""
    core = headline_core(headline)
    # Token Jaccard >= 0.8 needs similar lengths; comparing lengths first skips most lines cheaply.
    low, high = len(core) * 0.6, len(core) * 1.7 + 10
    for index in range(start, len(lines)):
        if low <= len(lines[index]) <= high and matches_headline(lines[index], core):
            return index
    return None
