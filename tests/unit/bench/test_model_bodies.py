"""Bodies each model is measured on: the corpus's in its language, else French written for the bench."""

from __future__ import annotations

from services.bench.french import SENTENCES, french_bodies
from services.bench.ner import model_bodies
from services.clean.language import LanguageDetector


def test_a_language_the_corpus_has_is_measured_on_the_corpus_bodies() -> None:
    items = [("en", "one"), ("de", "zwei"), ("en", "three")]
    assert model_bodies("en", items) == (["one", "three"], "corpus")
    assert model_bodies("en", items, count=1) == (["one"], "corpus")


def test_french_absent_from_the_corpus_is_measured_on_bodies_written_in_french() -> None:
    bodies, origin = model_bodies("fr", [("en", "one")], count=12)
    assert origin == "written for the bench"
    assert bodies == french_bodies(12)
    detector = LanguageDetector()
    assert {detector.detect(body).code for body in bodies} == {"fr"}


def test_a_language_with_neither_gets_no_bodies() -> None:
    assert model_bodies("de", [("en", "one")]) == ([], "corpus")


def test_french_bodies_are_seeded_runs_of_distinct_sentences_in_paragraphs() -> None:
    bodies = french_bodies(30)
    assert bodies == french_bodies(30)
    assert len(set(bodies)) == 30
    for body in bodies:
        sentences = [s for paragraph in body.split("\n\n") for s in SENTENCES if s in paragraph]
        assert 12 <= len(sentences) == len(set(sentences)) <= 30
