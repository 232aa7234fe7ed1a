"""Language identification (ISO 639-1) with a calibrated confidence."""

from __future__ import annotations

from dataclasses import dataclass

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Long bodies add nothing to the decision but cost time; the head is enough.
_MAX_CHARS = 2000


@dataclass(frozen=True)
class LanguageGuess:
    code: str | None
    confidence: float


class LanguageDetector:
    """Wraps py3langid with normalised probabilities; one instance per stage (model load is slow)."""

    def __init__(self, *, min_chars: int = 20) -> None:
        self._identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
        self._min_chars = min_chars

    def detect(self, text: str) -> LanguageGuess:
        sample = text[:_MAX_CHARS]
        if len(sample.strip()) < self._min_chars:
            return LanguageGuess(None, 0.0)
        code, probability = self._identifier.classify(sample)
        return LanguageGuess(str(code), round(min(1.0, max(0.0, float(probability))), 4))
