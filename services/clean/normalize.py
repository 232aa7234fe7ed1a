"""Text repair and normalisation: mojibake fixed, NFC, whitespace collapsed, quotes and dashes as written."""

from __future__ import annotations

import re
import unicodedata

import ftfy

# Repair encoding damage only; never restyle the text (curly quotes, dashes and full-width
# punctuation are the publisher's choice, and downstream dedup compares bodies as written).
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    normalization="NFC",
    explain=False,
)
_INLINE_SPACE = re.compile(r"[^\S\n]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BLANK_RUN = re.compile(r"\n{3,}")


def repair(text: str) -> str:
    """Fix mojibake and control characters, NFC-normalise and unify line breaks."""
    fixed = ftfy.fix_text(text, config=_FTFY_CONFIG)
    fixed = fixed.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return unicodedata.normalize("NFC", _ZERO_WIDTH.sub("", fixed))


def clean_line(line: str) -> str:
    """One line with inner whitespace collapsed and ends stripped."""
    return _INLINE_SPACE.sub(" ", line).strip()


def lines_of(text: str) -> list[str]:
    """The repaired text's lines, whitespace-collapsed; blank lines kept as ''."""
    return [clean_line(line) for line in repair(text).split("\n")]


def join_paragraphs(paragraphs: list[str]) -> str:
    """Paragraphs separated by exactly one blank line."""
    body = "\n\n".join(p for p in (clean_line(p) for p in paragraphs) if p)
    return _BLANK_RUN.sub("\n\n", body)
