"""Words of any script: runs of Unicode word characters where a script puts spaces between words, and ICU's
dictionary word breaks where it does not (Han, Kana, Thai, Lao, Khmer, Myanmar, Tibetan).

Why ICU, measured on the 20 true bodies of extraction-zh-dev (74,009 characters): its dictionary
segmentation gives 1.89 characters a word for Chinese, what word-segmented corpora show, and it
covers Thai, Lao, Khmer and Burmese with dictionaries of their own, where a fixed characters-per-
word ratio is wrong by a factor of two between scripts (Thai words run to four or five code points).
It segments 2.1 million characters a second here, 2.7 times slower than counting characters: about
1 ms for a 2,000-character article, a few percent of the HTML extraction's cost, and spent only on
text in those scripts (everything else takes the fast path). Korean puts spaces between words, and
ICU's breaks there fall on the spaces, so Hangul is counted as a spaced script.

ICU comes from `pyicu-wheels`: PyICU's own bindings built as wheels with ICU inside, so a fresh
machine or the service image needs neither ICU's headers nor a compiler (building PyICU from
source takes over three minutes on two cores).
"""

from __future__ import annotations

import re

import icu
import regex

_RE_WORD = re.compile(r"\w+")
# Unicode's word characters include combining marks: the vowel signs of Devanagari, Thai or Khmer
# and Arabic's vowel points are inside words. Python's `re` leaves them out and cuts "किया" in two.
_WORD = regex.compile(r"\w+")
# Scripts written without spaces between words: Thai, Lao, Tibetan, Myanmar, Khmer, Han (with its
# iteration and number marks, radicals and compatibility ideographs), Hiragana, Katakana (full and
# half width). Korean's Hangul is spaced and left out.
_UNSPACED_CLASS = (
    "\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f"
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303b\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
_UNSPACED_RUN = re.compile(f"[{_UNSPACED_CLASS}]+")
# `re` is several times faster than `regex`, and the two agree on most characters: they part only
# on combining marks, a few symbols and superscript digits ("²"), and on letters of Unicode
# versions newer than Python's. Which characters below _SURE_BELOW they part on is asked of both
# modules here (a few milliseconds), so a line made only of characters they agree on takes `re` and
# gets exactly the words `regex` would give; anything else, and unspaced scripts, takes the full path.
_SURE_BELOW = 0x2100
_CHECKED = "".join(map(chr, range(_SURE_BELOW)))
_DISAGREE = "".join(sorted(set(re.findall(r"\w", _CHECKED)) ^ set(regex.findall(r"\w", _CHECKED))))
_NEEDS_REGEX = re.compile(f"[{re.escape(_DISAGREE)}{_UNSPACED_CLASS}{chr(_SURE_BELOW)}-{chr(0x10FFFF)}]")
_ROOT = icu.Locale.getRoot()
# ICU's rule status of a segment that is no word (spaces, punctuation); letters, numbers, kana and
# ideographs have statuses of 100 and more.
_NOT_A_WORD = 100


def has_unspaced(text: str) -> bool:
    """Whether `text` holds any character of a script written without spaces."""
    return not text.isascii() and _UNSPACED_RUN.search(text) is not None


def _segmented(run: str, breaker: icu.BreakIterator) -> list[str]:
    breaker.setText(run)
    pieces, start = [], 0
    for end in breaker:
        if breaker.getRuleStatus() >= _NOT_A_WORD:
            pieces.append(run[start:end])
        start = end
    return pieces


def words(text: str) -> list[str]:
    """The words of `text` in reading order: `\\w+` runs, with runs of unspaced scripts cut into
    ICU's dictionary words ("東京都は今日" -> "東京", "都", "は", "今日")."""
    if text.isascii() or _NEEDS_REGEX.search(text) is None:
        return _RE_WORD.findall(text)
    if not has_unspaced(text):
        return list(_WORD.findall(text))
    # A breaker is cheap to make (about 7 microseconds) and holds state, so each call has its own.
    breaker = icu.BreakIterator.createWordInstance(_ROOT)
    found: list[str] = []
    position = 0
    for run in _UNSPACED_RUN.finditer(text):
        found += _WORD.findall(text, position, run.start())
        found += _segmented(run.group(), breaker)
        position = run.end()
    found += _WORD.findall(text, position)
    return found


def word_count(text: str) -> int:
    """How many words `text` holds, as `words` finds them."""
    return len(words(text))


def without_unspaced(text: str) -> str:
    """`text` with every run of an unspaced script replaced by a space: what is left is the part
    whose tokens are space-delimited, for checks that look at token shapes (blobs, hashes)."""
    if not has_unspaced(text):
        return text
    return _UNSPACED_RUN.sub(" ", text)
