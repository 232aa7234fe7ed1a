"""Summary: canonical names by kind, most salient first, capped."""

from __future__ import annotations

from services.tag.canonical import EntityGroup
from services.tag.summary import summarise


def test_summary_ranks_by_salience_and_splits_kinds() -> None:
    groups = [
        EntityGroup("Moscow", "GPE", None, (0,)),
        EntityGroup("Sergey Lavrov", "PERSON", None, (1,)),
        EntityGroup("Kim Jong-un", "PERSON", None, (2,)),
        EntityGroup("Defense Ministry", "ORG", None, (3,)),
        EntityGroup("Kursk Region", "LOC", None, (4,)),
        EntityGroup("Russian", "NORP", None, (5,)),
    ]
    summary = summarise(groups, [0.3, 0.9, 0.2, 0.4, 0.8, 1.0], size=5)
    assert summary.people == ["Sergey Lavrov", "Kim Jong-un"]
    assert summary.organisations == ["Defense Ministry"]
    assert summary.places == ["Kursk Region", "Moscow"]


def test_summary_is_capped_and_ties_keep_text_order() -> None:
    groups = [EntityGroup(f"Person {i}", "PERSON", None, (i,)) for i in range(4)]
    assert summarise(groups, [0.5] * 4, size=2).people == ["Person 0", "Person 1"]
