"""Article body from flattened page text: score lines, take the best contiguous run, cut at section ends.

The page's first line is usually its <title>; where that headline is repeated further down (the
h1), the article starts right below it. Lines a site repeats on many pages (its template, from
SiteMemory) count as chrome.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from services.clean.chrome_phrases import is_comment_heading
from services.clean.context_scores import rescore_in_context
from services.clean.headline import find_repeat, reads_as_headline
from services.clean.line_signals import LineSignals, content_score, signals_of
from services.clean.related import find_related
from services.clean.rules import masked
from services.messages import RelatedItem

_TEMPLATE_SCORE = -1.5
# Content words needed before a section-end heading ("Comments", "Related") ends the article.
_MIN_WORDS_BEFORE_END = 25
# A related heading followed by a time line within this many lines introduces a stream of teasers.
_DATED_ITEMS_WINDOW = 6


@dataclass(frozen=True)
class FlatExtraction:
    body_lines: list[str]
    title: str | None
    related: list[RelatedItem] = field(default_factory=list)


def _best_run(scores: list[float], start: int) -> tuple[int, int]:
    """[begin, end) of the maximum-sum contiguous run at or after `start` (Kadane)."""
    best_sum, best = 0.0, (start, start)
    running, begin = 0.0, start
    for index in range(start, len(scores)):
        if running <= 0:
            running, begin = 0.0, index
        running += scores[index]
        if running > best_sum:
            best_sum, best = running, (begin, index + 1)
    return best


def _closes_article(content: list[str], signals: list[LineSignals], index: int) -> bool:
    """A section-end heading that ends the article for good: comments, or a list of dated items.

    Other section ends ("Related", "Don't miss") are often boxes inside the article, which the
    run simply bridges when prose resumes below them.
    """
    if not signals[index].section_end:
        return False
    if is_comment_heading(content[index]):
        return True
    return any(s.stream_metadata for s in signals[index + 1 : index + 1 + _DATED_ITEMS_WINDOW])


def _cut_at_section_end(content: list[str], signals: list[LineSignals], scores: list[float], begin: int, end: int) -> int:
    """End of the article: the first closing heading after enough prose, else `end`."""
    words = 0
    for index in range(begin, end):
        if words >= _MIN_WORDS_BEFORE_END and _closes_article(content, signals, index):
            return index
        if scores[index] > 0:
            words += signals[index].words
    return end


def _kept(scores: list[float], signals: list[LineSignals], begin: int, end: int, *, boxes: bool = True) -> list[int]:
    """Prose lines of the run, and the short neutral lines (subheadings) between them, except
    those in a box: after a section heading ("Related") and until prose resumes, short lines are
    teaser headlines."""
    prose = [i for i in range(begin, end) if scores[i] > 0]
    if not prose:
        return []
    kept, in_box = [], False
    for index in range(prose[0], prose[-1] + 1):
        if scores[index] > 0:
            kept.append(index)
            in_box = False
        elif signals[index].section_end:
            in_box = boxes
        elif scores[index] > -0.5 and not in_box and not signals[index].chrome:
            kept.append(index)
    return kept


def _without_standfirst(kept: list[int], scores: list[float], signals: list[LineSignals]) -> list[int]:
    """Drop a standfirst: a lone prose line above the byline or dateline that opens the story."""
    if len(kept) < 3 or scores[kept[0]] <= 0:
        return kept
    first_prose = kept[0]
    next_prose = next((i for i in kept[1:] if scores[i] > 0), None)
    if next_prose is None:
        return kept
    between = range(first_prose + 1, next_prose)
    if any(signals[i].furniture for i in between):
        return [i for i in kept if i > first_prose]
    return kept


def extract_flat(
    lines: list[str],
    *,
    template: Collection[str] = (),
    signals_for: Callable[[str], LineSignals] = signals_of,
    disabled: frozenset[str] = frozenset(),
) -> FlatExtraction:
    """Body lines, title and related teasers of one flattened page.

    `template` holds the lines this page's site is known to repeat on its other pages;
    `signals_for` computes a line's signals (a SignalCache in the stage); `disabled` names
    rules (services.clean.rules) switched off, for measuring what each is worth.
    """
    content = [line for line in lines if line]
    if not content:
        return FlatExtraction(body_lines=[], title=None)
    signals = masked([signals_for(line) for line in content], disabled)
    title = content[0] if reads_as_headline(content[0]) and not signals[0].chrome else None
    scores = [_TEMPLATE_SCORE if line in template else content_score(signal) for line, signal in zip(content, signals, strict=True)]
    rescore_in_context(scores, content, signals, disabled=disabled)
    start = 1 if title else 0
    repeat = find_repeat(content, title, start=start) if title and "headline_repeat" not in disabled else None
    if repeat is not None:
        # The repeated headline sits right above the body; prefer a run below it when it holds prose.
        below = _best_run(scores, repeat + 1)
        anywhere = _best_run(scores, start)
        begin, end = below if sum(scores[below[0] : below[1]]) >= 0.5 * sum(scores[anywhere[0] : anywhere[1]]) else anywhere
    else:
        begin, end = _best_run(scores, start)
    if "section_end_cut" not in disabled:
        end = _cut_at_section_end(content, signals, scores, begin, end)
    kept = _kept(scores, signals, begin, end, boxes="box_lines" not in disabled)
    if "standfirst" not in disabled:
        kept = _without_standfirst(kept, scores, signals)
    body = [content[i] for i in kept]
    related = find_related(content, start=kept[-1] + 1 if kept else start, signals=signals)
    # The repeated headline is the h1, without the site name the <title> line carries.
    headline = content[repeat] if repeat is not None else title
    return FlatExtraction(body_lines=body, title=headline, related=related)
