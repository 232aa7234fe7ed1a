"""Text normalisation for dedup: the tokens that fingerprints are built from."""

from __future__ import annotations

import re
import unicodedata

import xxhash

_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Words of the body, NFKC-folded and case-folded, so quotes, ligatures and case never matter."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def content_hash(words: list[str]) -> str:
    """Hash of the normalised body: equal for bodies that differ only in punctuation, spacing or case."""
    return xxhash.xxh3_128_hexdigest(" ".join(words).encode("utf-8"))
