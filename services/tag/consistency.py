"""One sense per document: the same name gets the same label, and is found wherever it recurs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from services.tag.backend import Mention

_NEXT_WORD_CAPITALISED = re.compile(r" [A-Z]")


def person_name_parts(mentions: Iterable[Mention]) -> dict[str, str]:
    """Single capitalised words of multi-word PERSON names ("Lavrov" of "Sergey Lavrov"), mapped to PERSON."""
    parts: dict[str, str] = {}
    for mention in mentions:
        words = mention.text.split()
        if mention.label == "PERSON" and len(words) > 1:
            for word in words:
                if len(word) > 2 and word[0].isupper() and not word.endswith("."):
                    parts[word] = "PERSON"
    return parts


def harmonise_labels(mentions: list[Mention]) -> list[Mention]:
    """Give every mention of a surface form the label that form has most often in the document.

    A lone word that is part of a full PERSON name in the same document is that person.
    """
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for mention in mentions:
        votes[mention.text][mention.label] += 1
    best = {text: counts.most_common(1)[0][0] for text, counts in votes.items()}
    best.update(person_name_parts(mentions))
    return [Mention(m.text, best[m.text], m.start, m.end) for m in mentions]


def _occurrences(text: str, form: str) -> Iterable[tuple[int, int]]:
    for match in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text):
        # "Washington" inside an untagged "Washington Post" is not the place.
        if not _NEXT_WORD_CAPITALISED.match(text, match.end()):
            yield match.start(), match.end()


def propagate_mentions(text: str, mentions: list[Mention]) -> list[Mention]:
    """Add the occurrences of already-found names that the model missed (whole words, same case).

    Longer names claim their occurrences first, so "Sergey Lavrov" is never split into "Lavrov".
    """
    labels = {m.text: m.label for m in mentions}
    labels.update({part: label for part, label in person_name_parts(mentions).items() if part not in labels})
    taken = [False] * len(text)
    for mention in mentions:
        taken[mention.start : mention.end] = [True] * (mention.end - mention.start)
    added: list[Mention] = []
    for form in sorted(labels, key=lambda f: (-len(f), f)):
        if len(form) < 3 or not any(ch.isupper() for ch in form):
            continue
        for start, end in _occurrences(text, form):
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                added.append(Mention(form, labels[form], start, end))
    return mentions + added
