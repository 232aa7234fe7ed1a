"""Last check on an extracted body: enough words, and words of a language rather than code or a blob.

Thresholds sit well above what real articles show: on the 88 dev bodies the code-symbol share is
at most 0.024, the share of characters in 25+-character tokens at most 0.040 and the share of
letter-digit tokens at most 0.054; of the 1,973 extractor outputs in dedup-dev (Markdown, hard-
wrapped, one-line) none is taken for code or a blob.
"""

from __future__ import annotations

import html as html_lib
import re

from services.words import without_unspaced, word_count

# Characters that are everyday in code and markup but rare in prose ("|" is not among them:
# trafilatura writes table cells with it; nor are "[]", which Markdown links use).
_CODE_SYMBOL = re.compile(r"[{}<>=;\\^~`$*_#@+]")
_MAX_CODE_SYMBOL_SHARE = 0.06
_LONG_TOKEN = 25
# Anchored at token starts (one pass); a token must hold a letter or digit ("────┬────" is a drawn
# table) and not be a link (URLs are long but belong to the text).
_LONG_TOKENS = re.compile(rf"(?<!\S)(?=\S*\w)(?!\S*(?:://|www\.))\S{{{_LONG_TOKEN + 1},}}")
# A word with a letter next to a digit somewhere in it.
_MIXED_TOKEN = re.compile(r"\w*(?:[^\W\d_]\d|\d[^\W\d_])\w*")
_MAX_LONG_TOKEN_SHARE = 0.4
_MAX_MIXED_TOKEN_SHARE = 0.2
_MIN_DIGIT_SHARE = 0.05


def _visible_chars(body: str) -> int:
    return len(body) - sum(map(body.count, " \n\t"))


def _code_symbol_share(body: str, visible: int) -> float:
    return len(_CODE_SYMBOL.findall(body)) / visible if visible else 0.0


def _long_token_share(spaced: str, visible: int) -> float:
    if not visible or max(map(len, spaced.split()), default=0) <= _LONG_TOKEN:  # prose: decided without the regex
        return 0.0
    return sum(map(len, _LONG_TOKENS.findall(spaced))) / visible


def _mixed_token_share(spaced: str, words: int, visible: int) -> float:
    """Tokens mixing letters and digits ("aGk3x9"): base64 and hashes, not words. Only counted when
    digits are frequent (the token pattern is slow, and prose has few digits)."""
    if not words or sum(map(spaced.count, "0123456789")) < _MIN_DIGIT_SHARE * visible:
        return 0.0
    return len(_MIXED_TOKEN.findall(spaced)) / words


def rejection_detail(body: str, *, min_words: int, words: int | None = None) -> str | None:
    """Why `body` is no article (too short, code, binary or encoded blob), or None when it is one.

    `words` is the body's word count (`services.words.word_count`) when the caller has it. Token
    shapes are judged on the body's spaced part only: a line of Chinese or Thai is one long run of
    letters with no spaces, which is how a blob looks in a spaced script, and "2001年" is a
    word, not a hash.
    """
    words = word_count(body) if words is None else words
    if words < min_words:
        return f"{words} words of article text (< {min_words})"
    visible = _visible_chars(body)
    stripped = body.strip()
    if stripped[:1] in "{[" and stripped[-1:] in "}]":
        return "looks like JSON or code (a bracketed document)"
    if (share := _code_symbol_share(body, visible)) > _MAX_CODE_SYMBOL_SHARE:
        return f"looks like code or markup ({share:.0%} code symbols)"
    spaced = without_unspaced(body)
    if (share := _long_token_share(spaced, visible)) > _MAX_LONG_TOKEN_SHARE:
        return f"looks like an encoded blob ({share:.0%} of characters in {_LONG_TOKEN}+-character tokens)"
    if (share := _mixed_token_share(spaced, words, visible)) > _MAX_MIXED_TOKEN_SHARE:
        return f"looks like an encoded blob ({share:.0%} letter-digit tokens)"
    return None


_CODE_ELEMENT = re.compile(r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>|<!--.*?-->", re.DOTALL)


def is_scripts_only(html: str) -> bool:
    """HTML whose only content is code: scripts (and styles) but not a word of visible text."""
    if "<script" not in html.lower():
        return False
    visible = html_lib.unescape(_TAG.sub(" ", _CODE_ELEMENT.sub(" ", html)))
    return not any(character.isalnum() for character in visible)
