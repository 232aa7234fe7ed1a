"""One sense per document: the same name gets the same label, and is found wherever it recurs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from services.tag.backend import Mention

_NEXT_WORD_CAPITALISED = re.compile(r" [A-Z]")
# "Kurdistan Democratic Party (KDP)": an organisation defines its acronym in parentheses.
_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Z&]{1,7})\s*\)")
# Legal forms that end company names; a "person" ending in one is a company ("Pirelli SpA").
_LEGAL_FORMS = frozenset(
    {
        "Inc",
        "Inc.",
        "Corp",
        "Corp.",
        "Co",
        "Co.",
        "Ltd",
        "Ltd.",
        "plc",
        "PLC",
        "AG",
        "SA",
        "S.A.",
        "SpA",
        "NV",
        "N.V.",
        "BV",
        "GmbH",
        "LLC",
        "Bhd",
    }
)


def is_company_name(text: str) -> bool:
    """A multi-word name ending in a legal form."""
    words = text.split()
    return len(words) > 1 and words[-1] in _LEGAL_FORMS


def company_name_heads(mentions: Iterable[Mention]) -> dict[str, str]:
    """The first word of company names ("Pirelli" of "Pirelli SpA"), mapped to ORG."""
    return {m.text.split()[0]: "ORG" for m in mentions if is_company_name(m.text) and len(m.text.split()[0]) > 2}


def defined_acronyms(text: str, mentions: Iterable[Mention]) -> dict[str, str]:
    """Acronyms defined right after an ORG name ("... Party (KDP)"), mapped to ORG."""
    found: dict[str, str] = {}
    for mention in mentions:
        definition = _ACRONYM_AFTER.match(text, mention.end)
        if mention.label == "ORG" and definition:
            found[definition.group(1)] = "ORG"
    return found


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


def harmonise_labels(mentions: list[Mention], acronyms: Mapping[str, str] | None = None) -> list[Mention]:
    """Give every mention of a surface form the label that form has most often in the document.

    A name ending in a legal form is a company; a lone word that is part of a full PERSON name in
    the same document is that person, unless it opens a company name; an acronym the document
    defines for an organisation is that organisation.
    """
    mentions = [Mention(m.text, "ORG", m.start, m.end) if is_company_name(m.text) else m for m in mentions]
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for mention in mentions:
        votes[mention.text][mention.label] += 1
    best = {text: counts.most_common(1)[0][0] for text, counts in votes.items()}
    best.update(person_name_parts(mentions))
    best.update(company_name_heads(mentions))
    best.update(acronyms or {})
    return [Mention(m.text, best[m.text], m.start, m.end) for m in mentions]


def _occurrences(text: str, form: str) -> Iterable[tuple[int, int]]:
    for match in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text):
        # "Washington" inside an untagged "Washington Post" is not the place.
        if not _NEXT_WORD_CAPITALISED.match(text, match.end()):
            yield match.start(), match.end()


def propagate_mentions(
    text: str, mentions: list[Mention], places: Sequence[tuple[int, int]] = (), acronyms: Mapping[str, str] | None = None
) -> list[Mention]:
    """Add the occurrences of already-found names that the model missed (whole words, same case).

    Longer names claim their occurrences first, so "Sergey Lavrov" is never split into "Lavrov".
    Then gazetteer `places` spans (country names) the model missed are added as GPE.
    """
    labels = {m.text: m.label for m in mentions}
    labels.update({part: label for part, label in person_name_parts(mentions).items() if part not in labels})
    labels.update({acronym: label for acronym, label in (acronyms or {}).items() if acronym not in labels})
    taken = [False] * len(text)
    for mention in mentions:
        taken[mention.start : mention.end] = [True] * (mention.end - mention.start)
    added: list[Mention] = []
    for form in sorted(labels, key=lambda f: (-len(f), f)):
        if len(form) < 3 or not any(ch.isupper() for ch in form):
            continue
        for start, end in _occurrences(text, form):
            if not any(taken[start:end]) and not _NEXT_WORD_CAPITALISED.match(text, end):
                taken[start:end] = [True] * (end - start)
                added.append(Mention(form, labels[form], start, end))
    for start, end in places:
        if not any(taken[start:end]) and not _NEXT_WORD_CAPITALISED.match(text, end):
            taken[start:end] = [True] * (end - start)
            added.append(Mention(text[start:end], "GPE", start, end))
    return mentions + added
