"""Truecasing of all-caps lines (wire headlines, datelines, tables) before NER.

The model learned from mixed-case text and misreads "LONDON 1996-08-30" or "LAVROV THANKS NORTH KOREA".
Each word of a shouting line takes the casing the same word has elsewhere in the document (names in
a headline nearly always recur in the story); failing that, it is capitalised if a gazetteer knows
it as a name (a country), kept if it reads as an acronym, and lower-cased otherwise. Every
replacement keeps the word's length, so character offsets into the original text stay valid.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable

_WORD = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?")
_CASED = re.compile(r"[^\W\d_]")
# Acronyms that read as function words in lower case ("US" is not "us" in a headline).
_KEEP_UPPER = frozenset({"US", "UK", "UN", "EU"})
_COMMON_LOWER = "eaointsr"


def is_shouting(line: str) -> bool:
    """A line whose letters are (nearly) all upper case, with enough of them to be more than an acronym."""
    # Running text is ruled out without a regex: if a few common lower-case letters alone are over a tenth
    # of the line's characters, they are over a tenth of its letters.
    if sum(map(line.count, _COMMON_LOWER)) * 10 > len(line):
        return False
    letters = _CASED.findall(line)
    upper = sum(map(str.isupper, letters))
    return len(letters) >= 5 and upper >= 0.9 * len(letters) and any(len(w) >= 4 for w in _WORD.findall(line))


def _casing_elsewhere(lines: list[str], shouting: list[bool]) -> dict[str, str]:
    """Most frequent casing, in the lines that are not shouting, of each word of the shouting lines (ties: first seen)."""
    # Only the shouting lines' words are looked up; counting the casings of every other word costs more than the rest.
    wanted = {word.lower().rstrip(".") for line, shouts in zip(lines, shouting, strict=True) if shouts for word in _WORD.findall(line)}
    seen: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for line, shouts in zip(lines, shouting, strict=True):
        if not shouts:
            for word in _WORD.findall(line):
                # A sentence-final "Kim." is the word "Kim".
                form = word.rstrip(".")
                key = form.lower()
                if key in wanted:
                    seen[key][form] += 1
    return {key: forms.most_common(1)[0][0] for key, forms in seen.items()}


NameFinder = Callable[[str], list[tuple[int, int]]]


def _no_names(_: str) -> list[tuple[int, int]]:
    return []


def _truecase_word(word: str, known: dict[str, str], first: bool, proper: bool) -> str:
    lower = word.lower()
    stem = lower.rstrip(".")
    if stem in known:
        cased = known[stem] + word[len(stem) :]
    elif word in _KEEP_UPPER or not re.search(r"[AEIOUY]", word):
        cased = word
    elif proper:
        cased = "-".join(part.capitalize() for part in word.split("-"))
    else:
        cased = lower
    if first:
        cased = cased[:1].upper() + cased[1:]
    return cased if len(cased) == len(word) else word


def _truecase_line(line: str, known: dict[str, str], find_names: NameFinder) -> str:
    titled = line.title()
    names = find_names(titled) if len(titled) == len(line) else []
    parts: list[str] = []
    position = 0
    for index, match in enumerate(_WORD.finditer(line)):
        parts.append(line[position : match.start()])
        word_end = match.start() + len(match.group().rstrip("."))
        proper = any(start <= match.start() and word_end <= end for start, end in names)
        parts.append(_truecase_word(match.group(), known, index == 0, proper))
        position = match.end()
    parts.append(line[position:])
    return "".join(parts)


def truecase_shouting(text: str, find_names: NameFinder = _no_names) -> str:
    """The text with its all-caps lines truecased; same length, so offsets carry over unchanged.

    `find_names` gives the spans of known names (a gazetteer) in a title-cased line; those words
    keep capitals even when the document does not use them elsewhere.
    """
    lines = text.split("\n")
    shouting = [is_shouting(line) for line in lines]
    if not any(shouting):
        return text
    known = _casing_elsewhere(lines, shouting)
    result = "\n".join(_truecase_line(line, known, find_names) if shouts else line for line, shouts in zip(lines, shouting, strict=True))
    return result if len(result) == len(text) else text
