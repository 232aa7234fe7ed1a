"""Salience: how central an entity is to the article, from title, lead position and frequency."""

from __future__ import annotations

import re
from collections.abc import Sequence

from services.tag.backend import Mention
from services.tag.canonical import EntityGroup, name_key

# Being named in the title is the strongest sign an article is about something; then being named
# early (news puts who and what in the lead), then being named often.
TITLE_WEIGHT = 0.4
LEAD_WEIGHT = 0.3
FREQUENCY_WEIGHT = 0.3


def in_title(title: str | None, names: set[str]) -> bool:
    """Whether any of the names is in the title as whole words.

    Titles are often in title case or capitals, so matching ignores case, except for short names
    ("US") that would otherwise match common words ("us").
    """
    if not title:
        return False
    # With both in ASCII, a name absent from the title (ignoring case where the match does) cannot match:
    # that test spares compiling a pattern per name. Other scripts have case rules of their own; they take the search.
    ascii_title = title.isascii()
    folded_title = title.lower()
    for name in names:
        if ascii_title and name.isascii() and (name not in title if len(name) <= 3 else name.lower() not in folded_title):
            continue
        flags = 0 if len(name) <= 3 else re.IGNORECASE
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", title, flags):
            return True
    return False


def salience(groups: Sequence[EntityGroup], mentions: Sequence[Mention], body_length: int, title: str | None) -> list[float]:
    """A score in [0, 1] per group, rounded so that results are stable across platforms."""
    most = max((len(g.members) for g in groups), default=1)
    scores = []
    for group in groups:
        first = mentions[group.members[0]].start
        lead = 1.0 - first / body_length if body_length else 0.0
        frequency = len(group.members) / most
        titled = 1.0 if title and in_title(title, {name_key(mentions[i].text) for i in group.members} | {group.canonical}) else 0.0
        score = TITLE_WEIGHT * titled + LEAD_WEIGHT * lead + FREQUENCY_WEIGHT * frequency
        scores.append(round(min(max(score, 0.0), 1.0), 4))
    return scores
