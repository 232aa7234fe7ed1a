"""Teasers of other articles below a "Related Articles" heading, as RelatedItem(title, source).

A teaser in flattened text is a headline followed by its summary paragraph, often preceded by a
source line ("Russia Today", "- Russia Today") and a time ("2 hours ago"). Pages put much else
under such headings (sign-in forms, date lists, ads), so a teaser must look the part: a headline
of a few words that is not chrome, then a prose summary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from services.clean.chrome_phrases import is_related_heading
from services.clean.headline import reads_as_headline
from services.clean.line_signals import LineSignals, content_score, signals_of
from services.messages import RelatedItem

_DASHED_SOURCE = re.compile("^[-\u2013\u2014]\\s*(\\S.{0,60})$")
_DIGIT = re.compile(r"\d")
_MIN_TITLE_WORDS = 4
_MIN_SUMMARY_WORDS = 12
_MAX_SOURCE_WORDS = 5
_MAX_ITEMS = 20
# Lines read after the heading before giving up when no teaser has turned up.
_MAX_LINES_WITHOUT_TEASER = 12


def _plain(signals: LineSignals) -> bool:
    """Not chrome, furniture, metadata or a heading."""
    return not (signals.chrome or signals.furniture or signals.stream_metadata or signals.section_end)


def _source_of(line: str, signals: LineSignals, following: LineSignals | None) -> str | None:
    """A publisher line: "- Name", or a short name directly above a time line; never a date."""
    if _DIGIT.search(line) or not _plain(signals):
        return None
    if (match := _DASHED_SOURCE.match(line)) and signals.words <= _MAX_SOURCE_WORDS:
        return match.group(1).strip()
    if following is not None and 0 < signals.words <= _MAX_SOURCE_WORDS and following.stream_metadata:
        return line.strip()
    return None


def _is_teaser(line: str, signals: LineSignals, summary: LineSignals | None) -> bool:
    if summary is None or signals.words < _MIN_TITLE_WORDS or not _plain(signals) or not reads_as_headline(line):
        return False
    summary_is_prose = content_score(summary._replace(truncated=False)) > 0 and not summary.furniture
    return summary_is_prose and summary.words >= _MIN_SUMMARY_WORDS


def find_related(lines: list[str], *, start: int = 0, signals: Sequence[LineSignals] | None = None) -> list[RelatedItem]:
    """Teasers listed under the first related-articles heading at or after `start`.

    `signals` are the lines' signals when the caller has them already (one per line).
    """
    heading = next((i for i in range(start, len(lines)) if is_related_heading(lines[i])), None)
    if heading is None:
        return []
    cues = list(signals) if signals is not None else [signals_of(line) for line in lines]
    items: list[RelatedItem] = []
    source: str | None = None
    index, last_teaser = heading + 1, heading
    while index < len(lines) and len(items) < _MAX_ITEMS and index - last_teaser <= _MAX_LINES_WITHOUT_TEASER:
        line, cue = lines[index], cues[index]
        following = cues[index + 1] if index + 1 < len(lines) else None
        if cue.section_end and not is_related_heading(line):
            break
        if (found := _source_of(line, cue, following)) is not None:
            source = found
        elif _is_teaser(line, cue, following):
            if all(item.title != line for item in items):  # carousels repeat their teasers
                items.append(RelatedItem(title=line, source=source))
            source, last_teaser = None, index + 1
            index += 1  # the summary paragraph belongs to this teaser
        index += 1
    return items
