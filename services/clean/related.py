"""Teasers of other articles below a "Related Articles" heading, as RelatedItem(title, source).

A teaser in flattened text is a headline followed by its summary paragraph, often preceded by a
source line ("Russia Today", "- Russia Today") and a time ("2 hours ago").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from services.clean.chrome_phrases import is_related_heading
from services.clean.headline import reads_as_headline
from services.clean.line_signals import LineSignals, signals_of
from services.messages import RelatedItem

_DASHED_SOURCE = re.compile("^[-\u2013\u2014]\\s*(\\S.{0,60})$")
_MIN_SUMMARY_WORDS = 12
_MAX_SOURCE_WORDS = 5
_MAX_ITEMS = 20


def _source_of(line: str, signals: LineSignals, following: LineSignals | None) -> str | None:
    """A publisher line: "- Name", or a short name directly above a time line."""
    if match := _DASHED_SOURCE.match(line):
        return match.group(1).strip()
    if following is not None and 0 < signals.words <= _MAX_SOURCE_WORDS and following.stream_metadata:
        return line.strip()
    return None


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
    index = heading + 1
    while index < len(lines) and len(items) < _MAX_ITEMS:
        line, cue = lines[index], cues[index]
        following = cues[index + 1] if index + 1 < len(lines) else None
        if cue.section_end and not is_related_heading(line):
            break
        if cue.stream_metadata or cue.chrome:
            index += 1
            continue
        if (found := _source_of(line, cue, following)) is not None:
            source = found
        elif reads_as_headline(line) and following is not None and following.words >= _MIN_SUMMARY_WORDS:
            items.append(RelatedItem(title=line, source=source))
            source = None
            index += 1  # the summary paragraph belongs to this teaser
        index += 1
    return items
