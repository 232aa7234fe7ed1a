"""LanguageDetector: ISO 639-1 codes with a confidence in [0, 1]."""

from __future__ import annotations

import pytest

from services.clean.language import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The council approved the budget for the new bridge after a long debate on Tuesday.", "en"),
        ("Der Stadtrat hat am Dienstag nach langer Debatte den Haushalt für die neue Brücke beschlossen.", "de"),
        ("Le conseil municipal a approuvé mardi le budget du nouveau pont après un long débat.", "fr"),
        ("El ayuntamiento aprobó el martes el presupuesto del nuevo puente tras un largo debate.", "es"),
    ],
)
def test_detects_the_language_of_a_sentence(detector: LanguageDetector, text: str, code: str) -> None:
    guess = detector.detect(text)
    assert guess.code == code
    assert 0.5 < guess.confidence <= 1.0


def test_too_little_text_has_no_language(detector: LanguageDetector) -> None:
    guess = detector.detect("  Hi  ")
    assert guess.code is None
    assert guess.confidence == 0.0
