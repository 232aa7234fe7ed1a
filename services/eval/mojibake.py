"""Mojibake repair, measured both ways: correct text must pass unchanged, mis-decoded copies must come back."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from services.clean.mojibake import fix_mojibake

_UNMAPPED_IN_1252 = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _as_windows_1252(text: str, *, keep_unmapped: bool) -> str:
    """UTF-8 bytes read as Windows-1252; the five bytes it leaves unmapped kept as C1 controls or dropped."""
    data = text.encode("utf-8")
    if keep_unmapped:
        return "".join(chr(byte) if byte in _UNMAPPED_IN_1252 else bytes([byte]).decode("cp1252") for byte in data)
    return data.decode("cp1252", errors="ignore")


def is_recoverable_when_dropped(text: str) -> bool:
    """Dropping Windows-1252's unmapped bytes loses information, except the last byte of ” (E2 80 9D),
    which the repair restores; a text with any other unmapped byte cannot be restored by anyone."""
    data = text.encode("utf-8")
    return all(data[at - 2 : at] == b"\xe2\x80" and byte == 0x9D for at, byte in enumerate(data) if byte in _UNMAPPED_IN_1252)


# How mojibake is made: UTF-8 bytes read as a single-byte encoding, once or twice.
VARIANTS: dict[str, Callable[[str], str]] = {
    "latin-1": lambda text: text.encode("utf-8").decode("latin-1"),
    "windows-1252": lambda text: _as_windows_1252(text, keep_unmapped=True),
    "windows-1252, unmapped bytes dropped": lambda text: _as_windows_1252(text, keep_unmapped=False),
    "windows-1252 twice": lambda text: _as_windows_1252(_as_windows_1252(text, keep_unmapped=True), keep_unmapped=True),
}
DROPPED = "windows-1252, unmapped bytes dropped"


@dataclass(frozen=True)
class VariantScore:
    """Mis-decoded copies of the corpus's non-ASCII texts, and how many came back exactly."""

    name: str
    texts: int
    repaired: int

    @property
    def share(self) -> float:
        return self.repaired / self.texts if self.texts else 1.0


@dataclass(frozen=True)
class MojibakeReport:
    """Correct texts left unchanged, and per variant the mojibake repaired."""

    texts: int
    unchanged: int
    damaged_examples: list[str]
    variants: list[VariantScore]

    def render(self) -> str:
        lines = [f"mojibake repair: {self.unchanged}/{self.texts} correct texts unchanged"]
        lines += [f"  damaged: {example!r}" for example in self.damaged_examples[:5]]
        lines += [f"  {score.name}: {score.repaired}/{score.texts} repaired ({score.share:.4f})" for score in self.variants]
        return "\n".join(lines)


def evaluate_mojibake(texts: Iterable[str]) -> MojibakeReport:
    """Every text must come out of the repair unchanged, and each mojibake copy of it as the text.

    Texts are taken in NFC (the repair normalises). A copy with dropped bytes counts only where the
    loss is recoverable at all (see `is_recoverable_when_dropped`).
    """
    corpus = [unicodedata.normalize("NFC", text) for text in texts]
    damaged = [text for text in corpus if fix_mojibake(text) != text]
    scores: list[VariantScore] = []
    for name, make in VARIANTS.items():
        cases = [text for text in corpus if not text.isascii() and (name != DROPPED or is_recoverable_when_dropped(text))]
        repaired = sum(fix_mojibake(make(text)) == text for text in cases)
        scores.append(VariantScore(name, len(cases), repaired))
    return MojibakeReport(len(corpus), len(corpus) - len(damaged), damaged, scores)


def data_paragraphs(data_dir: Path) -> list[str]:
    """The human-marked article bodies of extraction-dev and extraction-zh-dev, paragraph by paragraph."""
    english = json.loads((data_dir / "extraction-dev" / "ground-truth.json").read_text("utf-8"))
    chinese = json.loads((data_dir / "extraction-zh-dev" / "truth.json").read_text("utf-8"))
    bodies = [str(item["articleBody"]) for item in english.values()] + [str(body) for body in chinese.values()]
    return [paragraph.strip() for body in bodies for paragraph in _PARAGRAPH_BREAK.split(body) if paragraph.strip()]
