"""Truecasing of all-caps lines (wire headlines, datelines, tables) before NER.

The model learned from mixed-case text and misreads "LONDON 1996-08-30" or "LAVROV THANKS NORTH KOREA".
Each word of a shouting line takes the casing the same word has elsewhere in the document; failing
that, function words go lower case and other words are capitalised. Every replacement keeps the
word's length, so character offsets into the original text stay valid.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.lang.en.stop_words import STOP_WORDS

_WORD = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?")
_CASED = re.compile(r"[^\W\d_]")
# Acronyms that read as function words in lower case ("US" is not "us" in a headline).
_KEEP_UPPER = frozenset({"US", "UK", "UN", "EU", "IT"})


def is_shouting(line: str) -> bool:
    """A line whose letters are (nearly) all upper case, with enough of them to be more than an acronym."""
    letters = _CASED.findall(line)
    upper = sum(1 for ch in letters if ch.isupper())
    return len(letters) >= 5 and upper >= 0.9 * len(letters) and any(len(w) >= 4 for w in _WORD.findall(line))


def _casing_elsewhere(lines: list[str]) -> dict[str, str]:
    """Most frequent casing of each word in the lines that are not shouting (ties: first seen)."""
    seen: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for line in lines:
        if not is_shouting(line):
            for word in _WORD.findall(line):
                seen[word.lower()][word] += 1
    return {key: forms.most_common(1)[0][0] for key, forms in seen.items()}


def _truecase_word(word: str, known: dict[str, str], first: bool) -> str:
    lower = word.lower()
    if lower in known:
        cased = known[lower]
    elif word in _KEEP_UPPER or not re.search(r"[AEIOUY]", word):
        cased = word
    elif lower in STOP_WORDS:
        cased = lower
    else:
        cased = "-".join(part.capitalize() for part in word.split("-"))
    if first:
        cased = cased[:1].upper() + cased[1:]
    return cased if len(cased) == len(word) else word


def _truecase_line(line: str, known: dict[str, str]) -> str:
    parts: list[str] = []
    position = 0
    for index, match in enumerate(_WORD.finditer(line)):
        parts.append(line[position : match.start()])
        parts.append(_truecase_word(match.group(), known, first=index == 0))
        position = match.end()
    parts.append(line[position:])
    return "".join(parts)


def truecase_shouting(text: str) -> str:
    """The text with its all-caps lines truecased; same length, so offsets carry over unchanged."""
    lines = text.split("\n")
    if not any(is_shouting(line) for line in lines):
        return text
    known = _casing_elsewhere(lines)
    result = "\n".join(_truecase_line(line, known) if is_shouting(line) else line for line in lines)
    return result if len(result) == len(text) else text
