"""From texts to clean mentions: truecase shouting lines, run the backend, tidy and reconcile spans."""

from __future__ import annotations

from collections.abc import Container, Sequence

from services.tag.backend import Mention, TaggerBackend
from services.tag.consistency import harmonise_labels, propagate_mentions
from services.tag.datelines import dateline_evidence, dateline_places, with_datelines
from services.tag.name_evidence import defined_acronyms, person_name_parts
from services.tag.options import TagOptions
from services.tag.places import PlaceCodes
from services.tag.spans import join_person_names, tidy
from services.tag.teams import team_spans, with_teams
from services.tag.truecase import truecase_shouting


def _as_country(mention: Mention, places: PlaceCodes) -> Mention:
    """A country's name is a GPE, whatever the model guessed ("Belarus" as ORG, "Tajikistan" as NORP)."""
    if mention.label not in {"GPE", "LOC"} and places.is_country_name(mention.text):
        return Mention(mention.text, "GPE", mention.start, mention.end)
    return mention


def _as_place(mention: Mention, places: PlaceCodes, people: Container[str]) -> Mention:
    """A "person" the gazetteer knows as a place is that place ("Ankara said ..."), unless the document names a person so."""
    if mention.label == "PERSON" and mention.text not in people and places.is_place_name(mention.text):
        return Mention(mention.text, "GPE", mention.start, mention.end)
    return mention


def _reconcile(text: str, model_text: str, found: list[Mention], options: TagOptions, places: PlaceCodes) -> list[Mention]:
    """Tidy one text's model mentions and make them consistent across the document."""
    # Work on the truecased text, so "LEBED" in a headline matches "Lebed" in the body.
    if options.join_person_names:
        # Before labels are filtered: the model's dates and numbers stop a name from running on.
        found = join_person_names(found, model_text)
    trimmed = [piece for m in found for piece in tidy(m, model_text, articles=options.trim_articles, breaks=options.tidy_spans)]
    if options.country_names:
        trimmed = [_as_country(m, places) for m in trimmed]
    # Datelines are found in the original text: their capitals are the signal.
    dateline = dateline_places(text) if options.datelines else []
    trimmed = with_datelines(trimmed, dateline, model_text)
    mentions = [m for m in trimmed if m.label in options.labels]
    teams: dict[str, str] = {}
    if options.teams:
        spans = team_spans(model_text, mentions, places.is_place_name, places.is_country)
        mentions = with_teams(mentions, spans, model_text)
        teams = {model_text[start:end]: "ORG" for start, end in spans}
    if options.place_gazetteer:
        people = person_name_parts(mentions)
        mentions = [_as_place(m, places, people) for m in mentions]
    acronyms = defined_acronyms(model_text, mentions) if options.acronyms else {}
    if options.harmonise_labels:
        mentions = harmonise_labels(mentions, acronyms | dateline_evidence(mentions, dateline, model_text) | teams)
    if options.propagate_mentions:
        countries = places.find_country_names(model_text) if options.country_names else []
        mentions = propagate_mentions(model_text, mentions, countries, acronyms | teams)
    # Surfaces as written in the original text; offsets are the same in both.
    return sorted((Mention(text[m.start : m.end], m.label, m.start, m.end) for m in mentions), key=lambda m: (m.start, m.end))


def find_mentions(backend: TaggerBackend, texts: Sequence[str], options: TagOptions, places: PlaceCodes) -> list[list[Mention]]:
    """Mentions of each text with offsets into that (original, not truecased) text, in text order."""
    truecase = options.truecase_shouting
    model_inputs = [truecase_shouting(text, places.find_country_names) if truecase else text for text in texts]
    found = backend.entities(model_inputs)
    return [_reconcile(*triple, options, places) for triple in zip(texts, model_inputs, found, strict=True)]
