"""The tag stage against bare NER, side by side on the same texts."""

from __future__ import annotations

from services.tag.bench import stage_against_bare
from services.tag.languages import load_backends

TEXTS = [
    "Sergey Lavrov met North Korean officials in Moscow on Tuesday.",
    "LONDON 1996-08-30\nWarwickshire 195 , Surrey 429-7",
    "The European Union (EU) said the United States would attend.",
]


def test_stage_and_bare_ner_are_timed_over_the_same_tokens_each_round() -> None:
    figures = stage_against_bare([("en", text) for text in TEXTS * 4], batch_size=5, rounds=3)
    (backend,) = load_backends(["en"])
    assert figures["tokens"] == 4 * sum(len(backend.nlp.make_doc(text)) for text in TEXTS)
    assert (figures["texts"], figures["rounds"], len(figures["stage_vs_bare_per_round"])) == (12, 3, 3)
    assert figures["bare_seconds"] > 0
    assert figures["stage_seconds"] > 0
    # Same tokens both sides: the share is the ratio of the rates and of the times.
    assert abs(figures["stage_vs_bare"] - figures["bare_seconds"] / figures["stage_seconds"]) < 0.01
    assert abs(figures["stage_tokens_per_s"] / figures["bare_tokens_per_s"] - figures["stage_vs_bare"]) < 0.01
    assert all(share > 0 for share in figures["stage_vs_bare_per_round"])
