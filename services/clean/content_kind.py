"""What kind of news a body is, from how its text is built: prose sentences, rows of figures, or short items.

Results, standings, fixtures and market tables are rows of names and figures; briefs and live-blog
entries are a sentence or a few; listings are short items one to a line. All of them are news. The
kind is read from the share of each line shape, so it holds in every language: figures are digits,
sentences end in a sentence mark of any script, and words are counted as `services.words` counts them.

Thresholds checked on the 216 CoNLL-2003 valid documents (Reuters wire: results, standings, market
tables, briefs, stories), the 88 extraction-dev bodies (stories: every one comes out `story`) and the
20 extraction-zh-dev bodies.
"""

from __future__ import annotations

import re

from services.clean.line_signals import ends_sentence, is_page_furniture
from services.messages import ContentKind
from services.words import words

_FIGURE = re.compile(r"\d+")
# A row: two figures or more that make a fifth of its words ("Greenock Morton 1 Falkirk 0", "beat
# Dinamo 92-90", "Shr loss $ 0.22 loss $ 0.07"), or cells split by "|" or tabs as tables are flattened.
_MIN_ROW_FIGURES = 2
_MIN_ROW_FIGURE_SHARE = 0.2
_MIN_ROWS = 2
_CELL = re.compile(r"\||\t")
# A body is a table when this share of its lines are rows, a listing when this share are short
# items that are neither rows nor sentences.
_TABLE_SHARE = 0.4
_LISTING_SHARE = 0.6
_MIN_LISTING_LINES = 5
# Below this many words, prose is a brief (a wire brief, a live-blog entry, a caption); above, a story.
_MAX_BRIEF_WORDS = 150
# A sentence: words that end in a sentence mark, enough of them to say something.
_MIN_SENTENCE_WORDS = 5
_SENTENCE_SPLIT = re.compile("(?<=[.!?\u2026\u3002\uff01\uff1f\u061f\u06d4\u0964\u0965])\\s+|(?<=[\u3002\uff01\uff1f])")
_SENTENCE_MARKS = ".!?\u2026\u3002\uff01\uff1f\u061f\u06d4\u0964\u0965"


def is_row(line: str, word_count: int | None = None) -> bool:
    """A line of a table: figures among names, or cells. `word_count`: the line's words, when counted."""
    if _CELL.search(line):
        return True
    figures = len(_FIGURE.findall(line))
    if figures < _MIN_ROW_FIGURES:
        return False
    return figures >= _MIN_ROW_FIGURE_SHARE * (len(words(line)) if word_count is None else word_count)


def _sentences(text: str) -> list[str]:
    """Sentences of `text` with enough words, whatever line breaks cut them."""
    found = []
    for piece in _SENTENCE_SPLIT.split(" ".join(text.split())):
        stripped = piece.strip().rstrip("\"'\u201d\u2019\u00bb)]")
        if stripped[-1:] in _SENTENCE_MARKS and len(words(stripped)) >= _MIN_SENTENCE_WORDS:
            found.append(stripped)
    return found


def content_kind(paragraphs: list[str]) -> ContentKind:
    """`table`, `listing`, `brief` or `story`, from the shapes of the body's lines."""
    lines = [line for line in paragraphs if line.strip()]
    if not lines:
        return "brief"
    # Each line's words are counted once: counting is most of this function's cost.
    counts = [len(words(line)) for line in lines]
    row = [is_row(line, count) for line, count in zip(lines, counts, strict=True)]
    rows = sum(row)
    if rows >= _MIN_ROWS and rows >= _TABLE_SHARE * len(lines):
        return "table"
    shapes = zip(lines, counts, row, strict=True)
    items = sum(1 for line, count, is_a_row in shapes if count <= 12 and not is_a_row and not ends_sentence(line))
    if len(lines) >= _MIN_LISTING_LINES and items >= _LISTING_SHARE * len(lines):
        return "listing"
    total = sum(counts)
    return "brief" if total < _MAX_BRIEF_WORDS else "story"


def news_item_lines(lines: list[str], *, template: set[str], min_words: int) -> list[str] | None:
    """The lines of a short or non-prose news item on a page where no article of prose was found:
    every line that is not chrome, template or furniture, when they hold `min_words` words or more
    and a sentence or two rows of a table. None for a page that is navigation, an error or a login
    form: short labels with neither sentences nor figures."""
    kept = [line for line in lines if line and line not in template and not is_page_furniture(line)]
    if sum(len(words(line)) for line in kept) < min_words:
        return None
    text = "\n".join(kept)
    if _sentences(text) or sum(1 for line in kept if is_row(line)) >= _MIN_ROWS:
        return kept
    return None
