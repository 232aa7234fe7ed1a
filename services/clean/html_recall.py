"""Recall repair for HTML: where trafilatura stops early or finds nothing, the page's own text decides.

trafilatura is precise but sometimes ends an article at an advertisement or an embed, or returns
nothing for an unusual layout. The flattened page text, read by the flat-text extractor, gives an
independent view of where the article runs; it is used only when it clearly holds more article.
"""

from __future__ import annotations

from services.clean.line_signals import content_score, signals_of
from services.words import word_count

# The flat run must continue past trafilatura's last paragraph with at least this share of
# trafilatura's words again in prose before the tail is taken: a stray box or bio is smaller.
_MIN_TAIL_SHARE = 0.5
_MAX_GAP = 3


def _words(lines: list[str]) -> int:
    return sum(map(word_count, lines))


def _prose_words(lines: list[str]) -> int:
    return sum(signals.words for signals in map(signals_of, lines) if content_score(signals) > 0)


def complete_paragraphs(paragraphs: list[str], page_lines: list[str], flat: list[str], *, min_words: int) -> list[str]:
    """trafilatura's `paragraphs`, or the flat-text body `flat` (read from `page_lines`) when
    trafilatura found (almost) nothing, or trafilatura's paragraphs plus the flat run's
    continuation when trafilatura stopped early."""
    if not page_lines:
        return paragraphs
    if _words(paragraphs) < min_words:
        return flat if _words(flat) >= min_words else paragraphs
    tail = _continuation(paragraphs, flat, page_lines)
    if _prose_words(tail) >= _MIN_TAIL_SHARE * _words(paragraphs):
        return paragraphs + tail
    return paragraphs


def _continuation(paragraphs: list[str], flat: list[str], page_lines: list[str]) -> list[str]:
    """The flat body's lines that follow trafilatura's last paragraph on the page without a gap
    (at most `_MAX_GAP` lines between one and the next, as an ad slot or a caption leaves)."""
    on_page: dict[str, int] = {}
    for index, line in enumerate(page_lines):
        on_page.setdefault(line, index)
    in_flat = {line: index for index, line in enumerate(flat)}
    last = next((p for p in reversed(paragraphs) if p in in_flat and p in on_page), None)
    if last is None:
        return []
    # trafilatura keeps a page's source line breaks inside paragraphs, so "already extracted" is
    # judged on its text as a whole, not line by line.
    known, previous, tail = " ".join(paragraphs), on_page[last], []
    for line in flat[in_flat[last] + 1 :]:
        position = on_page.get(line, -1)
        if line in known or position <= previous:
            continue
        if position - previous > _MAX_GAP:
            break
        tail.append(line)
        previous = position
    return tail
