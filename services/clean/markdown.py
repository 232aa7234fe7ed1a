"""Markdown page text to plain lines: scrapers made for language models deliver pages as Markdown.

Links keep their text, images and reference definitions go, heading marks, bullets and bold or
underline emphasis go; the words stay as written. Applied only to text that shows Markdown's
signs, so prose with an occasional asterisk is left alone.
"""

from __future__ import annotations

import re

# Links, headings and bold: bullets alone are not a sign ("- Russia Today" is a plain source line).
_SIGNS = re.compile(r"\]\(|\]\[\d+\]|^#{1,6} |\*\*\S", re.MULTILINE)
_SIGN_MARKS = ("](", "][", "**", "# ")
_MIN_SIGNS = 5
_SAMPLE_CHARS = 20_000
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_INLINE_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_REFERENCE_DEFINITION = re.compile(r"^\[[^\]]+\]:\s*\S+.*$")
_HEADING_OR_BULLET = re.compile(r"^(#{1,6}|[*+-])\s+")
_STRONG = re.compile(r"(\*\*|__)(\S(?:.*?\S)?)\1")


def looks_like_markdown(text: str) -> bool:
    """Several links, headings or bold runs in Markdown syntax (in the first 20,000 characters)."""
    sample = text[:_SAMPLE_CHARS]
    if not any(mark in sample for mark in _SIGN_MARKS):  # the common case, decided without a regex scan
        return False
    return len(_SIGNS.findall(sample)) >= _MIN_SIGNS


def plain_line(line: str) -> str:
    """One stripped line of Markdown as the words a reader sees."""
    if _REFERENCE_DEFINITION.match(line):
        return ""
    line = _IMAGE.sub("", line)
    line = _INLINE_LINK.sub(r"\1", line)
    line = _REFERENCE_LINK.sub(r"\1", line)
    line = _HEADING_OR_BULLET.sub("", line)
    return _STRONG.sub(r"\2", line).strip()
