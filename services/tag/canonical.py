"""Canonical names: the mentions of one entity within a document merged under its fullest name.

"Lavrov" after "Sergey Lavrov" is Sergey Lavrov; "EU" after "European Union" is the European Union;
"US" and "United States" share an ISO code and so are one place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.tag.backend import Mention

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_POSSESSIVE = re.compile(r"\s?['’]s?$")
_SPACES = re.compile(r"\s+")
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
    return _POSSESSIVE.sub("", _SPACES.sub(" ", text).strip()) or text


def kind_of(label: str) -> str:
    """Labels whose mentions may merge: all place labels are one kind."""
    return "PLACE" if label in PLACE_LABELS else label


def _initials(words: Sequence[str]) -> str:
    return "".join(word[0] for word in words if word.lower() not in _ACRONYM_SKIPS and word[:1].isupper())


def _contains(longer: str, shorter: str, kind: str) -> bool:
    """Does the longer name include the shorter as whole words (or, for organisations, as an acronym)?"""
    long_words, short_words = longer.split(), shorter.split()
    if len(short_words) < len(long_words):
        span = len(short_words)
        if any(long_words[i : i + span] == short_words for i in range(len(long_words) - span + 1)):
            return kind in {"PERSON", "ORG"}
    return kind == "ORG" and shorter.isupper() and len(shorter) > 1 and _initials(long_words) == shorter


def _roots(keys_in_order: list[str], kind: str) -> dict[str, str]:
    """Each name's fullest form: the longer name containing it that was first seen nearest before it."""
    first_seen = {key: index for index, key in reversed(list(enumerate(keys_in_order)))}
    distinct = sorted(first_seen, key=lambda k: (-len(k.split()), first_seen[k]))
    root: dict[str, str] = {}
    for key in distinct:
        candidates = [other for other in root if root[other] == other and _contains(other, key, kind)]
        before = [c for c in candidates if first_seen[c] <= first_seen[key]]
        if before:
            root[key] = max(before, key=lambda c: first_seen[c])
        elif candidates:
            root[key] = min(candidates, key=lambda c: first_seen[c])
        else:
            root[key] = key
    return root


def group_mentions(mentions: Sequence[Mention], iso_code: Callable[[str], str | None]) -> list[EntityGroup]:
    """Merge the mentions (in text order) into entities, ordered by their first mention."""
    members: dict[tuple[str, str], list[int]] = {}
    codes: dict[tuple[str, str], str | None] = {}
    by_kind: dict[str, list[tuple[int, str]]] = {}
    for index, mention in enumerate(mentions):
        by_kind.setdefault(kind_of(mention.label), []).append((index, name_key(mention.text)))
    for kind, indexed in by_kind.items():
        roots = _roots([key for _, key in indexed], kind)
        for index, key in indexed:
            code = iso_code(key) if kind == "PLACE" else None
            group_key = (kind, code or roots[key])
            members.setdefault(group_key, []).append(index)
            codes[group_key] = code
    groups = []
    for group_key, indices in members.items():
        keys = [name_key(mentions[i].text) for i in indices]
        # Places merged by ISO code take their longest written form ("United States" over "US").
        canonical = max(keys, key=len) if codes[group_key] else group_key[1]
        label = Counter(mentions[i].label for i in indices).most_common(1)[0][0]
        groups.append(EntityGroup(canonical, label, codes[group_key], tuple(indices)))
    return sorted(groups, key=lambda g: g.members[0])
