"""What a tagger backend is: batched texts in one language in, character-offset entity mentions out."""

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
    """A named-entity model for one language. Pluggable, so a GPU transformer backend can replace spaCy later.

    Its mentions carry the output labels (OntoNotes names), whatever labels the model itself was trained on.
    """

    @property
    def language(self) -> str:
        """ISO 639-1 code of the language the model reads."""
        ...

    @property
    def model(self) -> str:
        """Name of the model (the package it is loaded from)."""
        ...

    @property
    def version(self) -> str:
        """Version of the model."""
        ...

    def entities(self, texts: Sequence[str]) -> list[list[Mention]]:
        """Return the mentions of every text, one list per text, in input order."""
        ...
