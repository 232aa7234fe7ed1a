"""Datelines: the place a wire story was filed from, in capitals at the start of its first lines.

    MOSCOW (Reuters) - ...          WASHINGTON, July 12 - ...          BONN 1996-08-30
    NICE , France 1996-08-30        PHNOM PENH, Cambodia (AP) — ...

The model reads a capitalised city alone on a line poorly; the layout itself says it is a place.
A dash only marks a dateline when running text follows it, not in an all-caps slug ("CRICKET - ...").
"""

from __future__ import annotations

import re

from services.tag.backend import Mention

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'-]+(?:[ ][A-Z][A-Z.'-]+){0,3})"
    r"(?:[ ]?,[ ](?P<region>[A-Z][\w.'-]*(?:[ ][A-Z][\w.'-]*){0,2}))?"
    rf"(?=[ ]?(?:\d{{4}}-\d\d-\d\d\s*$|,[ ]{_MONTH}[ ]\d|\([A-Z][\w .&-]*\)|[-–—][ ](?=[^\n]*[a-z])))",
    re.MULTILINE,
)
_FIRST_LINES = 3


def dateline_places(text: str) -> list[tuple[int, int]]:
    """Spans of the dateline's place (and its region, if given) among the text's first lines."""
    head_end = 0
    for _ in range(_FIRST_LINES):
        newline = text.find("\n", head_end)
        if newline == -1:
            head_end = len(text)
            break
        head_end = newline + 1
    spans: list[tuple[int, int]] = []
    position = 0
    while position < head_end:
        line_end = text.find("\n", position)
        line_end = len(text) if line_end == -1 else line_end
        match = _DATELINE.match(text, position, line_end)
        if match:
            spans.append(match.span("place"))
            if match.group("region"):
                spans.append(match.span("region"))
            break
        position = line_end + 1
    return spans


def with_datelines(mentions: list[Mention], places: list[tuple[int, int]], surfaces: str) -> list[Mention]:
    """The mentions with the dateline's places as GPE, replacing model mentions that overlap them.

    `surfaces` is the text the other mentions were read from (possibly truecased; same offsets).
    """
    kept = [m for m in mentions if not any(m.start < end and start < m.end for start, end in places)]
    return kept + [Mention(surfaces[start:end], "GPE", start, end) for start, end in places]


def dateline_evidence(mentions: list[Mention], places: list[tuple[int, int]], surfaces: str) -> dict[str, str]:
    """Every mention of a dateline place, in any case ("Longyear" after "LONGYEAR , Norway"), is a GPE."""
    names = {surfaces[start:end].casefold() for start, end in places}
    return {m.text: "GPE" for m in mentions if m.text.casefold() in names}
