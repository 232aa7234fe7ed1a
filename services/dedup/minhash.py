"""MinHash signatures over word shingles, vectorised with numpy.

Each word is hashed once with xxh3 (stable across processes, unlike `hash`); a k-word shingle is a
wrapping linear mix of its words' hashes, and the permutations are multiply-add-shift hashes, so
the work per document is a few numpy passes instead of a Python loop per shingle and permutation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xxhash

Signature = npt.NDArray[np.uint32]

_CHUNK_ROWS = 2048  # bounds the (shingles x permutations) temporary to a few MB for long pages


class MinHasher:
    """Turns a token list into a `num_perm` MinHash signature of its `shingle_size`-word shingles."""

    def __init__(self, *, num_perm: int = 128, shingle_size: int = 5, seed: int = 20241128) -> None:
        if num_perm < 1 or shingle_size < 1:
            raise ValueError(f"num_perm ({num_perm}) and shingle_size ({shingle_size}) must be positive")
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self._mul = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._add = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        self._position_mix = rng.integers(1, 2**63, size=shingle_size, dtype=np.uint64) * np.uint64(2) + np.uint64(1)

    def shingle_hashes(self, words: Sequence[str]) -> npt.NDArray[np.uint64]:
        """Distinct 64-bit hashes of the word shingles; a text shorter than a shingle is one shingle."""
        word_hashes = np.fromiter((xxhash.xxh3_64_intdigest(word.encode("utf-8")) for word in words), dtype=np.uint64, count=len(words))
        if word_hashes.size == 0:
            return word_hashes
        width = min(self.shingle_size, word_hashes.size)
        count = word_hashes.size - width + 1
        mixed = np.zeros(count, dtype=np.uint64)
        for offset in range(width):
            mixed += word_hashes[offset : offset + count] * self._position_mix[offset]
        return np.unique(mixed)

    def signature(self, shingles: npt.NDArray[np.uint64]) -> Signature:
        """Per permutation, the minimum of the shingles' 32-bit hashes; all-ones for an empty text."""
        result = np.full(self.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
        for start in range(0, shingles.size, _CHUNK_ROWS):
            chunk = shingles[start : start + _CHUNK_ROWS, None]
            hashed = ((chunk * self._mul + self._add) >> np.uint64(32)).astype(np.uint32)
            np.minimum(result, hashed.min(axis=0), out=result)
        return result


def estimated_jaccard(left: Signature, right: Signature) -> float:
    """Share of permutations on which two signatures agree: an unbiased Jaccard estimate."""
    return float(np.count_nonzero(left == right)) / left.size
