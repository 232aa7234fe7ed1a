"""One sense per document: the same name gets the same label, and is found wherever it recurs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from services.tag.backend import Mention
from services.tag.name_evidence import company_name_heads, is_company_name, person_name_parts

_NEXT_WORD_CAPITALISED = re.compile(r" [A-Z]")


def harmonise_labels(mentions: list[Mention], acronyms: Mapping[str, str] | None = None) -> list[Mention]:
    """Give every mention of a surface form the label that form has most often in the document.

    A name ending in a legal form is a company; a lone word that is part of a full PERSON name in
    the same document is that person, unless it opens a company name; an acronym the document
    defines for an organisation is that organisation.
    """
    mentions = [Mention(m.text, "ORG", m.start, m.end) if is_company_name(m.text) else m for m in mentions]
    votes: dict[str, dict[str, int]] = {}
    for mention in mentions:
        counts = votes.setdefault(mention.text, {})
        counts[mention.label] = counts.get(mention.label, 0) + 1
    # The most frequent label, the first seen among equals (what Counter.most_common(1) picks).
    best = {text: max(counts, key=counts.__getitem__) for text, counts in votes.items()}
    best.update(person_name_parts(mentions))
    best.update(company_name_heads(mentions))
    best.update(acronyms or {})
    return [m if m.label == best[m.text] else Mention(m.text, best[m.text], m.start, m.end) for m in mentions]


def _occurrences(text: str, forms: Iterable[str]) -> Iterable[tuple[int, int]]:
    """Whole-word occurrences of any of the forms, longest form first at each position, left to right, not overlapping.

    What `(?<!\\w)(?:longest|...|shortest)(?!\\w)` would find, without compiling a pattern per document
    (a document's forms are new each time, and compiling the alternation cost more than the search).
    """
    longest: dict[int, int] = {}
    for form in forms:
        size = len(form)
        if not size:
            continue
        position = text.find(form)
        while position != -1:
            end = position + size
            before = text[position - 1] if position else " "
            after = text[end] if end < len(text) else " "
            # \w is a character str.isalnum() accepts, or "_".
            if size > longest.get(position, 0) and not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
                longest[position] = size
            position = text.find(form, position + 1)
    reached = 0
    for start in sorted(longest):
        if start < reached:
            continue
        end = start + longest[start]
        reached = end
        # "Washington" inside an untagged "Washington Post" is not the place.
        if not _NEXT_WORD_CAPITALISED.match(text, end):
            yield start, end


def propagate_mentions(
    text: str, mentions: list[Mention], places: Sequence[tuple[int, int]] = (), acronyms: Mapping[str, str] | None = None
) -> list[Mention]:
    """Add the occurrences of already-found names that the model missed (whole words, same case).

    At each position the longest name wins, so "Sergey Lavrov" is never split into "Lavrov".
    Then gazetteer `places` spans (country names) the model missed are added as GPE.
    """
    labels = {m.text: m.label for m in mentions}
    labels.update({part: label for part, label in person_name_parts(mentions).items() if part not in labels})
    labels.update({acronym: label for acronym, label in (acronyms or {}).items() if acronym not in labels})
    taken = bytearray(len(text))
    for mention in mentions:
        taken[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    added: list[Mention] = []
    forms = [form for form in labels if len(form) > 2 and any(map(str.isupper, form))]
    for start, end in _occurrences(text, forms):
        if not any(taken[start:end]):
            taken[start:end] = b"\x01" * (end - start)
            added.append(Mention(text[start:end], labels[text[start:end]], start, end))
    for start, end in places:
        if not any(taken[start:end]) and not _NEXT_WORD_CAPITALISED.match(text, end):
            taken[start:end] = b"\x01" * (end - start)
            added.append(Mention(text[start:end], "GPE", start, end))
    return mentions + added
