"""What a tagger backend is: batched texts in, character-offset entity mentions out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention a model found: `text == source[start:end]`, with an OntoNotes label."""

    text: str
    label: str
    start: int
    end: int


class TaggerBackend(Protocol):
    """A named-entity model. Pluggable, so a GPU transformer backend can replace spaCy later."""

    def entities(self, texts: Sequence[str]) -> list[list[Mention]]:
        """Return the mentions of every text, one list per text, in input order."""
        ...
