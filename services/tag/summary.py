"""The per-article summary: the most salient people, organisations and places."""

from __future__ import annotations

from collections.abc import Sequence

from services.messages import EntitySummary
from services.tag.canonical import PLACE_LABELS, EntityGroup


def summarise(groups: Sequence[EntityGroup], scores: Sequence[float], size: int) -> EntitySummary:
    """Canonical names by falling salience (ties: first mentioned first), at most `size` of each kind."""
    ranked = sorted(zip(groups, scores, strict=True), key=lambda pair: (-pair[1], pair[0].members[0]))

    def top(labels: frozenset[str]) -> list[str]:
        names: list[str] = []
        for group, _ in ranked:
            if group.label in labels and group.canonical not in names:
                names.append(group.canonical)
        return names[:size]

    return EntitySummary(people=top(frozenset({"PERSON"})), organisations=top(frozenset({"ORG"})), places=top(PLACE_LABELS))
