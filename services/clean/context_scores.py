"""Line scores that depend on the neighbouring lines: structures a line-by-line score misreads.

A paragraph cut off by a paywall looks like a teaser, a table row or a numbered list item looks
like menu text; seen together with their neighbours they are article content.
"""

from __future__ import annotations

import re

from services.clean.line_signals import LineSignals, content_score

_NUMBER = re.compile(r"(?<![\w.,])\d[\d.,:%]*(?![\w])")
_MIN_TABLE_NUMBERS = 3
_TABLE_ROW_SCORE = 0.1
_MIN_TABLE_ROWS = 3
_LIST_ITEM = re.compile(r"^#?(\d{1,3})[.)]\s+\S")
_LIST_ITEM_SCORE = 0.3
_MIN_LIST_ITEMS = 3
_MAX_ITEM_GAP = 4


def rescore_in_context(
    scores: list[float], content: list[str], signals: list[LineSignals], *, disabled: frozenset[str] = frozenset()
) -> None:
    """Adjust `scores` (one per line of `content`) in place; `disabled` names rules switched off."""
    if "cut_off_paragraphs" not in disabled:
        _score_cut_off_paragraphs(scores, signals)
    if "table_rows" not in disabled:
        _score_table_rows(scores, content, signals)
    if "numbered_lists" not in disabled:
        _score_numbered_lists(scores, content, signals)


def _score_cut_off_paragraphs(scores: list[float], signals: list[LineSignals]) -> None:
    """A paragraph ending in "..." right below article prose is the article cut off (a paywall),
    not a teaser: it scores as prose. Teasers follow headlines or other teasers."""
    for index in range(1, len(scores)):
        previous = signals[index - 1]
        if signals[index].truncated and scores[index] < 0 and scores[index - 1] > 0 and not previous.truncated:
            scores[index] = content_score(signals[index]._replace(truncated=False))


def _score_table_rows(scores: list[float], content: list[str], signals: list[LineSignals]) -> None:
    """Rows of a data table are article content when the article is a table (results, standings):
    at least `_MIN_TABLE_ROWS` consecutive plain lines with the same count (3+) of numbers score
    slightly positive, so the table neither breaks the article nor makes one on its own."""

    def numbers(index: int) -> int:
        signal = signals[index]
        if signal.words < 3 or signal.chrome or signal.furniture or signal.stream_metadata or scores[index] > 0:
            return 0
        return len(_NUMBER.findall(content[index]))

    counts = [numbers(index) for index in range(len(content))]
    begin = 0
    for index in range(1, len(counts) + 1):
        if index < len(counts) and counts[index] == counts[begin]:
            continue
        if counts[begin] >= _MIN_TABLE_NUMBERS and index - begin >= _MIN_TABLE_ROWS:
            for row in range(begin, index):
                scores[row] = _TABLE_ROW_SCORE
        begin = index


def _score_numbered_lists(scores: list[float], content: list[str], signals: list[LineSignals]) -> None:
    """Items of a numbered list ("1) ...", "2. ...", consecutive numbers, at most `_MAX_ITEM_GAP`
    lines apart, at least `_MIN_LIST_ITEMS` of them) are a listicle's content: the items score as
    short prose and the plain lines between them (links, prices) as neutral."""
    items = [(index, int(match.group(1))) for index, line in enumerate(content) if (match := _LIST_ITEM.match(line))]
    if not items:
        return
    run: list[int] = []
    for (index, number), following in zip(items, [*items[1:], (-1, -1)], strict=True):
        run.append(index)
        continues = following[1] == number + 1 and 0 < following[0] - index <= _MAX_ITEM_GAP
        if continues:
            continue
        if len(run) >= _MIN_LIST_ITEMS:
            for item in run:
                scores[item] = max(scores[item], _LIST_ITEM_SCORE)
            for between in range(run[0] + 1, run[-1]):
                if between not in run and not (signals[between].chrome or signals[between].furniture):
                    scores[between] = max(scores[between], 0.0)
        run = []
