"""What a document says about its own names: a full name's parts, a company's legal form, an acronym.

Each function returns surface form -> label, evidence that overrides the model's guess for that form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from services.tag.backend import Mention

# "Kurdistan Democratic Party (KDP)": an organisation defines its acronym in parentheses.
_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Z&]{1,7})\s*\)")
# Legal forms that end company names; a "person" ending in one is a company ("Pirelli SpA").
_LEGAL_FORMS = frozenset(
    [
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
    ]
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
