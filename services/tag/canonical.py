"""Canonical names: the mentions of one entity within a document merged under its fullest name.

"Lavrov" after "Sergey Lavrov" is Sergey Lavrov; "EU" after "European Union" is the European Union;
"US" and "United States" share an ISO code and so are one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.tag.backend import Mention
from services.tag.spaces import single_spaced

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_POSSESSIVE = re.compile(r"\s?['’]s?$")
_POSSESSIVE_ENDS = ("'", "’", "'s", "’s")
_ACRONYM_SKIPS = frozenset({"of", "the", "and", "for", "de", "&"})


@dataclass(frozen=True)
class EntityGroup:
    """One entity of a document: its canonical name, majority label, ISO code and mention indices."""

    canonical: str
    label: str
    iso_code: str | None
    members: tuple[int, ...]


def name_key(text: str) -> str:
    """A mention's name without line breaks or a possessive ending ("Lavrov's" -> "Lavrov")."""
    key = single_spaced(text)
    if key.endswith(_POSSESSIVE_ENDS):  # the only way the pattern can match; most names skip the regex
        key = _POSSESSIVE.sub("", key)
    return key or text


def kind_of(label: str) -> str:
    """Labels whose mentions may merge: all place labels are one kind."""
    return "PLACE" if label in PLACE_LABELS else label


def _initials(words: Sequence[str]) -> str:
    return "".join(word[0] for word in words if word.lower() not in _ACRONYM_SKIPS and word[:1].isupper())


class _Name:
    """A name with its words, padded for whole-word search, and its initials, worked out once."""

    __slots__ = ("initials", "key", "padded", "words")

    def __init__(self, key: str) -> None:
        self.key = key
        self.words = key.split()
        # Words hold no whitespace, so " a b " is in " x a b y " exactly when [a, b] is a run of [x, a, b, y].
        self.padded = f" {' '.join(self.words)} "
        self.initials = _initials(self.words)

    def contains(self, shorter: _Name, kind: str) -> bool:
        """Does this name include the shorter as whole words (or, for organisations, as an acronym)? Asked for people and organisations."""
        if len(shorter.words) < len(self.words) and (not shorter.words or shorter.padded in self.padded):
            return True
        return kind == "ORG" and shorter.key.isupper() and len(shorter.key) > 1 and self.initials == shorter.key


def _roots(keys_in_order: list[str], kind: str) -> dict[str, str]:
    """Each name's fullest form: the longer name containing it that was first seen nearest before it."""
    first_seen = {key: index for index, key in reversed(list(enumerate(keys_in_order)))}
    if kind not in {"PERSON", "ORG"}:
        return {key: key for key in first_seen}  # only people and organisations contain one another
    distinct = sorted(first_seen, key=lambda k: (-len(k.split()), first_seen[k]))
    root: dict[str, str] = {}
    roots: list[_Name] = []  # the names that are their own root, in the order they were given one
    for key in distinct:
        name = _Name(key)
        candidates = [other.key for other in roots if other.contains(name, kind)]
        before = [c for c in candidates if first_seen[c] <= first_seen[key]]
        if before:
            root[key] = max(before, key=lambda c: first_seen[c])
        elif candidates:
            root[key] = min(candidates, key=lambda c: first_seen[c])
        else:
            root[key] = key
            roots.append(name)
    return root


def _majority(labels: list[str]) -> str:
    """The most frequent label, the first seen among equals (as Counter.most_common(1) picks)."""
    if len(labels) == 1:
        return labels[0]
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return max(counts, key=counts.__getitem__)


def group_mentions(mentions: Sequence[Mention], iso_code: Callable[[str], str | None]) -> list[EntityGroup]:
    """Merge the mentions (in text order) into entities, ordered by their first mention."""
    members: dict[tuple[str, str], list[int]] = {}
    codes: dict[tuple[str, str], str | None] = {}
    by_kind: dict[str, list[tuple[int, str]]] = {}
    keys = [name_key(mention.text) for mention in mentions]
    for index, mention in enumerate(mentions):
        by_kind.setdefault(kind_of(mention.label), []).append((index, keys[index]))
    for kind, indexed in by_kind.items():
        roots = _roots([key for _, key in indexed], kind)
        place_codes = {key: iso_code(key) for _, key in indexed} if kind == "PLACE" else {}
        for index, key in indexed:
            code = place_codes.get(key)
            group_key = (kind, code or roots[key])
            members.setdefault(group_key, []).append(index)
            codes[group_key] = code
    groups = []
    for group_key, indices in members.items():
        # Places merged by ISO code take their longest written form ("United States" over "US").
        canonical = max((keys[i] for i in indices), key=len) if codes[group_key] else group_key[1]
        label = _majority([mentions[i].label for i in indices])
        groups.append(EntityGroup(canonical, label, codes[group_key], tuple(indices)))
    return sorted(groups, key=lambda g: g.members[0])
