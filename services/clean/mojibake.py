"""Mojibake repair: UTF-8 read as Windows-1252 or Latin-1 (once or more) back to the text as written.

ftfy does the decoding. What it cannot do alone is the most common damage of all: Windows-1252
has no character for byte 0x9D, so a decoder that drops unmapped bytes turns the closing quote ”
(E2 80 9D) into a bare "â€". ftfy then either leaves it, or reads a following space as a lost
no-break space and makes "†" of it, eating the space. So in text that ftfy judges mis-decoded, a
bare "â€" (one followed by no continuation character) gets back the byte it lost. "â" directly
followed by "€" has no use in correct text, and text without signs of mojibake is never touched.
"""

from __future__ import annotations

import re

import ftfy
from ftfy.badness import is_bad

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
# UTF-8 read as Latin-1/Windows-1252 (or -1251) turns a lead byte into one of these letters
# followed by a symbol from the continuation-byte range: a cheap gate before ftfy's full check.
_CONTINUATION_CLASS = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122\u0400-\u045f"
)
# Windows-1251 reads the Cyrillic lead bytes D0 and D1 as "Р" and "С", and the continuation bytes
# never as the basic letters А-я (those are C0-FF): without that exception every Russian text
# ("Сегодня", "Россия") would pass the gate and pay for ftfy's full check, the stage's costliest
# regular expression.
_MAYBE_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION_CLASS}]|[\u0420\u0421](?![\u0410-\u044f])[{_CONTINUATION_CLASS}]")
# Surrogate code points: a pair escaped separately (ftfy joins it) or a lone half (cannot be encoded).
_SURROGATE = re.compile("[\ud800-\udfff]")
# What a UTF-8 continuation byte (0x80-0xBF) becomes when read as Windows-1252 or Latin-1.
_CONTINUATIONS = "".join(
    sorted({bytes([byte]).decode(codec, "ignore") for byte in range(0x80, 0xC0) for codec in ("latin-1", "cp1252")} - {""})
)
# E2 80 read as Windows-1252, its third byte gone: U+2000-U+203F minus the one character whose
# last byte Windows-1252 cannot map and that text uses (” is 0x9D; U+2001, U+200F, U+2010 are rare).
_BARE_E2_80 = re.compile(f"\u00e2\u20ac(?![{re.escape(_CONTINUATIONS)}])")
_ZERO_WIDTH_JOINER_BYTE = "\x8d"  # E2 80 8D: joins emoji, so it is the lost byte before another emoji
_RIGHT_QUOTE_BYTE = "\x9d"  # E2 80 9D: ”
_EMOJI_LEAD = "\u00f0\u0178"  # F0 9F read as Windows-1252: the start of most emoji


def _restore_lost_bytes(text: str) -> str:
    def lost(match: re.Match[str]) -> str:
        follows_emoji = text.startswith(_EMOJI_LEAD, match.end())
        return match.group() + (_ZERO_WIDTH_JOINER_BYTE if follows_emoji else _RIGHT_QUOTE_BYTE)

    return _BARE_E2_80.sub(lost, text)


def fix_mojibake(text: str) -> str:
    """The text with mis-decoded UTF-8 (and escaped surrogate pairs) repaired; other text as it is."""
    # ftfy walks the text line by line and is the slowest step of the stage; text with no sign
    # of mojibake (always true of ASCII) is returned at once.
    if text.isascii():
        return text
    if _SURROGATE.search(text) is None and (_MAYBE_MOJIBAKE.search(text) is None or not is_bad(text)):
        return text
    return ftfy.fix_text(_restore_lost_bytes(text), config=_FTFY_CONFIG)
