"""Teams in results and tables: a place followed by a score is the club named after it, not the place.

    Warwickshire 195 , Surrey 429-7          Lotte 6 Hyundai 2          NEW YORK 74 59 .556 -

Sports pages name clubs after their towns and counties; the model reads the town, or a person. The
layout says otherwise: two names each followed by a score make a result line, a name followed by a
row of figures is a league table's row, and a name the model took for a place with a score after
it in a line of figures is a side. Countries keep their place label: a national side is written as
its country. People keep theirs in tables (golf and cricket cards list players with their figures)
unless the gazetteer knows the name as a place. The finding holds for the whole document (one sense
per document), so "Surrey captain Chris Lewis" in the story is the team too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from services.tag.backend import Mention

_NAME = r"[A-Z][\w.'&-]*(?:[ ][A-Z][\w.'&-]*){0,3}"
_SCORE = r"\d{1,3}"
# "Lotte 6 Hyundai 2", "Pohang 3 Ulsan 2 ( halftime 1-0 )"
_RESULT_LINE = re.compile(rf"^(?P<home>{_NAME})[ ]{_SCORE}[ ](?P<away>{_NAME})[ ]{_SCORE}(?:[ ]\(.*)?$", re.MULTILINE)
# "Greenock Morton 3 2 0 1 5 2 6", "NEW YORK 74 59 .556 -"
_TABLE_ROW = re.compile(rf"^(?P<team>{_NAME})(?:[ ](?:{_SCORE}|\.\d+|-|\d+[ ]1/2)){{3,}}[ ]*$", re.MULTILINE)
# A score after a name: "2", "429-7"; never a date ("1996-08-30") or a time ("38:33").
_SCORE_AFTER = re.compile(r"[ ]+\d+(?:-\d+)?(?=[ ,;)]|$)", re.MULTILINE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[-.]\d+)?(?!\w)")
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
_MIN_NUMBERS_IN_LINE = 2

Span = tuple[int, int]


def _line(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : len(text) if end == -1 else end]


def _person_at(mentions: Sequence[Mention], start: int, end: int) -> bool:
    return any(m.label == "PERSON" and m.start <= start and end <= m.end for m in mentions)


def team_spans(text: str, mentions: Sequence[Mention], is_place: Callable[[str], bool], is_country: Callable[[str], bool]) -> list[Span]:
    """Spans of team names in the score lines of `text`, in text order."""
    spans: set[Span] = set()
    for match in _RESULT_LINE.finditer(text):
        spans.update(match.span(side) for side in ("home", "away"))
    for match in _TABLE_ROW.finditer(text):
        start, end = match.span("team")
        if not _person_at(mentions, start, end) or is_place(text[start:end]):
            spans.add((start, end))
    for mention in mentions:
        place_like = mention.label in _PLACE_LABELS or (mention.label == "PERSON" and is_place(mention.text))
        if (
            place_like
            and _SCORE_AFTER.match(text, mention.end)
            and len(_NUMBER.findall(_line(text, mention.start))) >= _MIN_NUMBERS_IN_LINE
        ):
            spans.add((mention.start, mention.end))
    return sorted(span for span in spans if not is_country(text[span[0] : span[1]]))


def with_teams(mentions: list[Mention], spans: Sequence[Span], text: str) -> list[Mention]:
    """The mentions with the team spans as ORG, replacing model mentions that overlap them."""
    kept = [m for m in mentions if not any(m.start < end and start < m.end for start, end in spans)]
    return kept + [Mention(text[start:end], "ORG", start, end) for start, end in spans]
