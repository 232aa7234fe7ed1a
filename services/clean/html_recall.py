"""Recall repair for HTML: where trafilatura stops early or finds nothing, the page's own text decides.

trafilatura is precise but sometimes ends an article at an advertisement or an embed, or returns
nothing for an unusual layout. The flattened page text, read by the flat-text extractor, gives an
independent view of where the article runs; it is used only when it clearly holds more article.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from services.clean.flat_text import extract_flat
from services.clean.line_signals import LineSignals, content_score, signals_of

_WORD = re.compile(r"\w+")
# The flat run must continue past trafilatura's last paragraph with at least this share of
# trafilatura's words again in prose before the tail is taken: a stray box or bio is smaller.
_MIN_TAIL_SHARE = 0.5


def _words(lines: list[str]) -> int:
    return sum(len(_WORD.findall(line)) for line in lines)


def _prose_words(lines: list[str]) -> int:
    return sum(signals_of(line).words for line in lines if content_score(signals_of(line)) > 0)


def complete_paragraphs(
    paragraphs: list[str], page_lines: list[str], *, min_words: int, signals_for: Callable[[str], LineSignals] = signals_of
) -> list[str]:
    """trafilatura's `paragraphs`, or the flat-text body when trafilatura found (almost) nothing,
    or trafilatura's paragraphs plus the flat run's continuation when trafilatura stopped early."""
    if _words(paragraphs) >= min_words and not page_lines:
        return paragraphs
    flat = extract_flat(page_lines, signals_for=signals_for).body_lines
    if _words(paragraphs) < min_words:
        return flat if _words(flat) >= min_words else paragraphs
    position = {line: index for index, line in enumerate(flat)}
    last = next((position[p] for p in reversed(paragraphs) if p in position), None)
    if last is None:
        return paragraphs
    known = set(paragraphs)
    tail = [line for line in flat[last + 1 :] if line not in known]
    if _prose_words(tail) >= _MIN_TAIL_SHARE * _words(paragraphs):
        return paragraphs + tail
    return paragraphs
