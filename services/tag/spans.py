"""Tidy model spans into names.

A name has no leading article, crosses no line break, carries no trailing score or time, and has
at least one capital letter ("parliament" or "socialists" is not a name in English).

Every result is a sub-span of the model's span, so offsets stay offsets into the same text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from services.tag.backend import Mention

# OntoNotes spans often open with "the" ("the United States"); the name itself starts after it.
_DETERMINER = re.compile(r"(?:the|The|THE)\s+")
# A name never runs across a line break or a spaced dash ("CRICKET - PAKISTAN" is a slug and a name).
_BREAK = re.compile(r"\s*\n\s*|\s+[-–—]+\s+")
# Scores, times and counts glued to a name in tables: "Fujiwara 38:33.595", "Melbourne 21 7".
_NUMBER_EDGE = re.compile(r"^(?:[\d.,:/-]+\s+)+|(?:\s+[\d.,:/-]+)+$")
_NUMBER_CHARACTERS = ".,:/-"  # besides digits (\d is any Unicode decimal digit, as str.isdecimal)
# A possessive split off as its own token ("Mother Teresa 's") is not part of the name.
_SPLIT_POSSESSIVE = re.compile(r"\s+['’]s$")
_LETTER = re.compile(r"[^\W\d_]")
# Names of things may end in a number ("Boeing 747", "Euro 2024"); names of who and where do not.
_NUMBERLESS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
# A person's name as written: capitalised words (initials, hyphens, apostrophes) on one line.
_PERSON_NAME = re.compile(r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)*")
# One more word of a name: a space, a capitalised word of letters, then no more of the name.
_NEXT_NAME_WORD = re.compile(r" ([A-Z][a-z]+)(?=[ ,.;:)]|$)(?! [A-Z])", re.MULTILINE)


def _number_at_an_edge(surface: str) -> bool:
    """Whether the surface starts or ends with a character of a number, as _NUMBER_EDGE needs to match."""
    return bool(surface) and any(ch.isdecimal() or ch in _NUMBER_CHARACTERS for ch in (surface[0], surface[-1]))


def _strip_article(text: str, start: int, end: int) -> int:
    if text[start : start + 1] not in ("t", "T"):  # most spans; the pattern needs one of these first
        return start
    determiner = _DETERMINER.match(text, start, end)
    return determiner.end() if determiner and determiner.end() < end else start


def _pieces(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The parts of [start, end) between breaks, each without surrounding whitespace."""
    span = text[start:end]
    if "\n" not in span and "-" not in span and "–" not in span and "—" not in span:  # a break needs one of these
        yield start, end
        return
    position = start
    for match in _BREAK.finditer(text, start, end):
        yield position, match.start()
        position = match.end()
    yield position, end


def _tidy_plain_span(mention: Mention, text: str) -> list[Mention] | None:
    """What tidy makes of a span with nothing to cut (most spans), found without its passes; None when there may be."""
    surface = text[mention.start : mention.end]
    if (
        not surface
        or surface[0] in "tT"
        or surface[0].isspace()
        or surface[-1].isspace()
        or "\n" in surface
        or "-" in surface
        or "–" in surface
        or "—" in surface
        or (mention.label in _NUMBERLESS and _number_at_an_edge(surface))
        or surface.endswith(("'s", "’s"))
    ):
        return None
    if _LETTER.search(surface) and surface != surface.lower():
        return [Mention(surface, mention.label, mention.start, mention.end)]
    return []


def tidy(mention: Mention, text: str, *, articles: bool = True, breaks: bool = True) -> list[Mention]:
    """The names inside a model span, with surfaces read from `text` (possibly none, e.g. "3 2 1 0")."""
    if articles and breaks:
        plain = _tidy_plain_span(mention, text)
        if plain is not None:
            return plain
    return tidy_by_passes(mention, text, articles=articles, breaks=breaks)


def tidy_by_passes(mention: Mention, text: str, *, articles: bool = True, breaks: bool = True) -> list[Mention]:
    """tidy, each pass run in turn."""
    start = _strip_article(text, mention.start, mention.end) if articles else mention.start
    pieces = list(_pieces(text, start, mention.end)) if breaks else [(start, mention.end)]
    if breaks and len(pieces) > 1:
        # Of a slug and a name, or of a table's neighbouring cells, the longest part is the name.
        pieces = [max(pieces, key=lambda piece: (len(_LETTER.findall(text, piece[0], piece[1])), -piece[0]))]
    tidied = []
    for piece_start, piece_end in pieces:
        begin, finish = piece_start, piece_end
        while begin < finish and text[begin].isspace():
            begin += 1
        while finish > begin and text[finish - 1].isspace():
            finish -= 1
        if breaks and mention.label in _NUMBERLESS and _number_at_an_edge(text[begin:finish]):
            edge = _NUMBER_EDGE.search(text[begin:finish])
            while edge:
                if edge.start() == 0:
                    begin += edge.end()
                else:
                    finish = begin + edge.start()
                edge = _NUMBER_EDGE.search(text[begin:finish])
        possessive = _SPLIT_POSSESSIVE.search(text, begin, finish) if breaks and text[begin:finish].endswith(("'s", "’s")) else None
        if possessive:
            finish = possessive.start()
        surface = text[begin:finish]
        lower_case_only = breaks and surface == surface.lower()
        if _LETTER.search(surface) and not lower_case_only:
            tidied.append(Mention(surface, mention.label, begin, finish))
    return tidied


def join_person_names(mentions: list[Mention], text: str) -> list[Mention]:
    """Person names the model cut short or split, made whole.

    Two PERSON spans one space apart are one name; a PERSON span followed by one capitalised word no
    other model span covers ("Choe Son" + "Hui", never a "Tuesday" the model read as a date) takes it.
    `mentions` are the model's spans of every label, so dates and numbers block the extension.
    """
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    joined: list[Mention] = []
    for mention in ordered:
        previous = joined[-1] if joined else None
        if (
            previous
            and previous.label == mention.label == "PERSON"
            and text[previous.end : mention.start] == " "
            and _PERSON_NAME.fullmatch(previous.text)
            and _PERSON_NAME.fullmatch(mention.text)
        ):
            joined[-1] = Mention(text[previous.start : mention.end], "PERSON", previous.start, mention.end)
        else:
            joined.append(mention)
    starts = {m.start for m in joined}
    return [_with_next_word(mention, text, starts) for mention in joined]


def _with_next_word(mention: Mention, text: str, starts: set[int]) -> Mention:
    """A multi-word PERSON name followed by one more capitalised word no other span starts at, with that word."""
    if mention.label != "PERSON" or " " not in mention.text or not _PERSON_NAME.fullmatch(mention.text):
        return mention
    word = _NEXT_NAME_WORD.match(text, mention.end)
    if word is None or word.start(1) in starts:
        return mention
    return Mention(text[mention.start : word.end(1)], "PERSON", mention.start, word.end(1))
