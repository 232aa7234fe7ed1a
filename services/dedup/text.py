"""Text normalisation for dedup: the tokens that fingerprints are built from."""

from __future__ import annotations

import re
import unicodedata

import xxhash

# Scripts written without spaces between words: Han, Hiragana, Katakana (with its phonetic
# extensions and half-width forms), Thai, Lao, Tibetan, Myanmar, Khmer. In them a `\w+` run is a
# whole clause, so each character is a token instead: shingles of characters then see a
# one-character edit as the small change it is. Hangul is written with spaces and keeps words.
_UNSPACED = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff\u19e0-\u19ff"  # Khmer, Khmer symbols
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u303b"  # ideographic iteration and number marks
    "\u3040-\u30ff\u31f0-\u31ff"  # Hiragana, Katakana, Katakana phonetic extensions
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs: extension A, unified, compatibility
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # CJK ideographs, extensions B-G
)
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_WORD = re.compile(r"\w+")
# One character of an unspaced script, or a run of other word characters. Marks that \w leaves
# out (Thai vowel signs and tone marks) are inside the unspaced ranges, so no character is lost.
_CHARACTER_OR_WORD = re.compile(f"[{_UNSPACED}]|[^\\W{_UNSPACED}]+")


def tokens(text: str) -> list[str]:
    """Words of the body, NFKC-folded and case-folded, so quotes, ligatures and case never matter.

    In scripts written without spaces every character is a token (see `_UNSPACED`); text with none of
    them is split into `\\w+` words exactly as before.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    if _HAS_UNSPACED.search(folded) is None:
        return _WORD.findall(folded)
    return _CHARACTER_OR_WORD.findall(folded)


def content_hash(words: list[str]) -> str:
    """Hash of the normalised body: equal for bodies that differ only in punctuation, spacing or case."""
    return xxhash.xxh3_128_hexdigest(" ".join(words).encode("utf-8"))
