"""Article body from flattened page text: keep article-like lines, drop page chrome."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence-final punctuation, closing quotes and brackets (written as escapes: CJK marks, curly quotes).
_SENTENCE_END = re.compile("[.!?\u2026\u3002\uff01\uff1f\"'\u201d\u2019\u00bb)]$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class FlatExtraction:
    body_lines: list[str]
    title: str | None


def _line_score(line: str) -> float:
    words = len(_WORD.findall(line))
    if words == 0:
        return -1.0
    if words >= 15 or (words >= 6 and _SENTENCE_END.search(line)):
        return 1.0
    return -0.5


def extract_flat(lines: list[str]) -> FlatExtraction:
    """The best-scoring contiguous run of article-like lines (blank lines are neutral)."""
    content = [line for line in lines if line]
    best_sum, best_start, best_end = 0.0, 0, 0
    running, start = 0.0, 0
    for index, line in enumerate(content):
        if running <= 0:
            running, start = 0.0, index
        running += _line_score(line)
        if running > best_sum:
            best_sum, best_start, best_end = running, start, index + 1
    body = [line for line in content[best_start:best_end] if _line_score(line) > 0]
    return FlatExtraction(body_lines=body, title=None)
