"""Article furniture: lines that describe or sell the article rather than tell it.

Photo captions with credits, bylines, datelines and calls to action sit inside the article's run
of lines, so position cannot remove them; their shape can. Each cue is a pattern newsrooms share,
not a site's wording.
"""

from __future__ import annotations

import re

# "(AP Photo/Alan Diaz)", "[File: Reuters]", "© Reuters / David Mercado", "Image copyright Getty Images",
# "J. Scott Applewhite / AP file", "Natalie Naccache | Bloomberg | Getty Images".
_AGENCY = r"(ap|afp|reuters|getty images|getty|epa|dpa|ansa|efe|bloomberg|xinhua|shutterstock|istock|pa|ap file|ap photo)"
_CAPTION = re.compile(
    r"\((ap photo|photo|image|picture|foto|file|credit)\b[^)]*\)\s*$"
    r"|\[(file|photo|image|picture|credit)\b[^\]]*\]\s*$"
    r"|\u00a9"
    r"|^(image|photo|picture|foto|bild) ?(copyright|caption|credit|source)?\s*:?\s"
    rf"|[|/]\s*{_AGENCY}( photo| file| via getty images)?\s*$"
)
_CREDIT_MARK = re.compile("[(\\[|/\u00a9]")
_MAX_CAPTION_WORDS = 60
# "By Phil Helsel", "Von Anna Schmidt", "Par Jean Dupont", "Oleh Andi": a short line naming the author.
_BYLINE = re.compile(r"^(by|von|par|por|di|door|oleh|av|af|przez|автор)\s+\w")
_MAX_BYLINE_WORDS = 8
_DATE_LABELS = frozenset(["updated", "published", "posted", "last", "modified", "on", "at", "de", "del", "di", "à", "às", "um"])
_CALENDAR_TEXT = """
    jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august september
    october november december mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday
    am pm gmt utc et est edt pst pdt cet cest bst ist
    januar februar märz mai juni juli oktober dezember janvier février mars avril juin juillet août septembre
    octobre novembre décembre enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre
    diciembre gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre janeiro fevereiro março
    maio junho julho setembro outubro novembro dezembro
"""
_CALENDAR_WORDS = frozenset(_CALENDAR_TEXT.split())
_MAX_DATELINE_WORDS = 14
_DIGIT = re.compile(r"\d")
# Calls to action address the reader about the publication itself; telling the reader to click is
# about the page, never the story, in any of these languages. One pattern, so most lines cost one scan.
_CALL_TO_ACTION = re.compile(
    r"\b(?:(?P<click>click here|click to|clique (?:aqui|na|no|e)|klicken sie|hier klicken|cliquez|haga clic|fai clic|klik di)"
    r"|subscribe|sign up|newsletters?|inbox|unsubscribe|follow us|share it|download (?:our|the) app|commenters?|commenting)\b"
)
_READER = re.compile(r"\b(you|your|our|us)\b")
_MAX_CALL_WORDS = 40


def is_dateline(tokens: list[str]) -> bool:
    """Mostly dates, times and their labels ("Nov. 19, 2019, 8:41 AM UTC", "Updated 20 Nov 2019").

    A month, weekday or time-zone word is required, so rows of numbers (tables) are not datelines.
    """
    if not tokens or len(tokens) > _MAX_DATELINE_WORDS or not any(token.isdigit() for token in tokens):
        return False
    calendar = sum(1 for token in tokens if token in _CALENDAR_WORDS)
    labels = sum(1 for token in tokens if token.isdigit() or token in _DATE_LABELS)
    return calendar > 0 and calendar + labels >= 0.75 * len(tokens)


def _may_carry_credit(folded_line: str) -> bool:
    # Every caption pattern needs one of these; checking them first skips the big regex for most lines.
    return _CREDIT_MARK.search(folded_line) is not None or folded_line.startswith(("image", "photo", "picture", "foto", "bild"))


def is_furniture(folded_line: str, tokens: list[str], *, sentence_end: bool) -> bool:
    """A caption credit, byline, dateline or call to action (`folded_line` case-folded, `tokens` its words)."""
    words = len(tokens)
    if words <= _MAX_CAPTION_WORDS and _may_carry_credit(folded_line) and _CAPTION.search(folded_line):
        return True
    if words <= _MAX_BYLINE_WORDS and not sentence_end and _BYLINE.match(folded_line):
        return True
    if words <= _MAX_DATELINE_WORDS and _DIGIT.search(folded_line) and is_dateline(tokens):
        return True
    if words > _MAX_CALL_WORDS:
        return False
    call = _CALL_TO_ACTION.search(folded_line)
    return call is not None and (call.group("click") is not None or _READER.search(folded_line) is not None)
