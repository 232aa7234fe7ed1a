"""The tag stage's options, with the defaults production runs."""

from __future__ import annotations

from dataclasses import dataclass

# Names of who and what an article is about; dates, times, amounts and ordinals are left out.
# MISC is what models trained on WikiNER/CoNLL labels call the names OntoNotes splits finer.
NAMED_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "MISC"})


@dataclass(frozen=True)
class TagOptions:
    """Switches for each document-level correction, so each one's effect can be measured alone."""

    labels: frozenset[str] = NAMED_LABELS
    # The language an article with no detected language is read in (if that language's model is loaded).
    default_language: str = "en"
    truecase_shouting: bool = True
    trim_articles: bool = True
    tidy_spans: bool = True
    join_person_names: bool = True
    country_names: bool = True
    datelines: bool = True
    acronyms: bool = True
    place_gazetteer: bool = True
    teams: bool = True
    harmonise_labels: bool = True
    propagate_mentions: bool = True
    summary_size: int = 5
