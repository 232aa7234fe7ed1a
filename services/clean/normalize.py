"""Text repair and normalisation: mojibake fixed, NFC, whitespace collapsed, quotes and dashes as written."""

from __future__ import annotations

import re
import unicodedata

from services.clean.mojibake import fix_mojibake

_BLANK_RUN = re.compile(r"\n{3,}")
# A line ending in one of these is a finished paragraph (or a heading that introduces one).
_PARAGRAPH_ENDS = frozenset(".!?:;\u2026\u3002\uff01\uff1f\"'\u201d\u2019\u00bb)]")
# Hard-wrapped text: at least _WRAP_MIN_LINES lines of _WRAP_MIN_LINE+ characters, a wrap width of
# at most _WRAP_MAX_WIDTH, and _WRAP_SHARE of the long lines within _WRAP_SLACK below (or
# _WRAP_OVER above, a word that did not fit) that width.
_WRAP_MIN_LINE = 40
_WRAP_MIN_LINES = 5
_WRAP_MAX_WIDTH = 120
_WRAP_SLACK = 15
_WRAP_OVER = 5
_WRAP_SHARE = 0.4
# C0 controls except tab and newlines, DEL and C1 controls (never text, often the trace of a binary
# blob), zero-width characters and surrogates left after repair: removed in one pass.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200c\u200d\u2060\ufeff\u00ad\ud800-\udfff]")


def repair(text: str) -> str:
    """Fix mojibake and control characters, NFC-normalise and unify line breaks."""
    fixed = _INVISIBLE.sub("", fix_mojibake(text))
    fixed = fixed.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return unicodedata.normalize("NFC", fixed)


def clean_line(line: str) -> str:
    """One line with inner whitespace collapsed and ends stripped."""
    return " ".join(line.split())


def lines_of(text: str) -> list[str]:
    """The repaired text's lines, whitespace-collapsed; blank lines kept as ''."""
    return [clean_line(line) for line in repair(text).split("\n")]


def join_paragraphs(paragraphs: list[str]) -> str:
    """Paragraphs separated by exactly one blank line."""
    body = "\n\n".join(p for p in (clean_line(p) for p in paragraphs) if p)
    return _BLANK_RUN.sub("\n\n", body)


def unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines: a line that does not end a sentence, followed by one that starts in
    lower case, is one paragraph broken by the page's source (trafilatura keeps such breaks)."""
    joined: list[str] = []
    for line in lines:
        if joined and line[:1].islower() and joined[-1][-1:] not in _PARAGRAPH_ENDS:
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def _looks_hard_wrapped(lines: list[str]) -> bool:
    """Text wrapped at a fixed width (html2text, lynx, e-mail): most long lines end close to one
    width (the 90th percentile of their lengths, so a stray URL line does not set it)."""
    long_lines = sorted(len(line) for line in lines if len(line) >= _WRAP_MIN_LINE)
    if len(long_lines) < _WRAP_MIN_LINES:
        return False
    width = long_lines[int(0.9 * (len(long_lines) - 1))]
    near_width = sum(1 for length in long_lines if width - _WRAP_SLACK <= length <= width + _WRAP_OVER)
    return width <= _WRAP_MAX_WIDTH and near_width >= _WRAP_SHARE * len(long_lines)


def unwrap_blocks(lines: list[str]) -> list[str]:
    """Hard-wrapped text back to one line per paragraph: the lines of each blank-line-separated
    block are joined. Text that is not hard-wrapped is returned as it is."""
    if not _looks_hard_wrapped(lines):
        return lines
    blocks: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            blocks.append(" ".join(current))
            current = []
    return blocks
