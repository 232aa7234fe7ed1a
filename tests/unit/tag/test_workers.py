"""The pool worker functions and the NER-only backend."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from services.messages import EnrichedArticle
from services.tag import SpacyBackend, worker
from services.tag.spacy_backend import split_long_text
from tests.unit.tag.articles import make_article


def test_backend_loads_ner_only(spacy_backend: SpacyBackend) -> None:
    assert spacy_backend.nlp.pipe_names == ["ner"]


def test_backend_mentions_carry_character_offsets(spacy_backend: SpacyBackend) -> None:
    texts = ["Sergey Lavrov flew to Pyongyang.", "", "Kim Jong-un met him."]
    found = spacy_backend.entities(texts)
    assert len(found) == 3
    for text, mentions in zip(texts, found, strict=True):
        assert all(text[m.start : m.end] == m.text for m in mentions)


def test_backend_pickles_as_its_model_name(spacy_backend: SpacyBackend) -> None:
    payload = pickle.dumps(spacy_backend)
    assert len(payload) < 1000
    assert pickle.loads(payload).nlp.pipe_names == ["ner"]  # noqa: S301 - our own bytes


def test_worker_functions_refuse_before_init(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "_WORKER", {})
    with pytest.raises(RuntimeError, match="init_worker"):
        worker.tag_texts(["Lavrov"])


def test_process_pool_worker_loads_once_and_tags() -> None:
    """Spawned (not forked) like a fresh worker process: it imports the module and loads the model itself."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn, initializer=worker.init_worker, initargs=(("en",),)) as pool:
        (mentions,) = pool.submit(worker.tag_texts, ["Sergey Lavrov flew to Pyongyang."]).result(timeout=60)
        (result,) = pool.submit(worker.process_batch, [make_article("Sergey Lavrov flew to Pyongyang.")]).result(timeout=60)
    assert ("Sergey Lavrov", "PERSON") in {(m.text, m.label) for m in mentions}
    assert isinstance(result, EnrichedArticle)
    assert result.summary.people == ["Sergey Lavrov"]


def test_split_long_text_cuts_at_line_breaks_and_covers_everything() -> None:
    text = "ab cd\nef gh ij\nkl"
    pieces = split_long_text(text, 8)
    assert pieces == [(0, "ab cd\n"), (6, "ef gh "), (12, "ij\nkl")]
    assert "".join(piece for _, piece in pieces) == text
    assert split_long_text("abcdefg", 3) == [(0, "abc"), (3, "def"), (6, "g")]


def test_long_texts_are_tagged_in_pieces_with_whole_text_offsets(spacy_backend: SpacyBackend) -> None:
    text = "\n".join(["Sergey Lavrov flew to Pyongyang on Saturday."] * 6)
    small = SpacyBackend(spacy_backend.nlp, max_chars=100)
    (mentions,) = small.entities([text])
    assert [m.text for m in mentions if m.label == "PERSON"] == ["Sergey Lavrov"] * 6
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_new_words_do_not_grow_the_vocab(spacy_backend: SpacyBackend) -> None:
    """The memory zone keeps a long-running tagger's memory flat however many new words it sees."""
    before = len(spacy_backend.nlp.vocab.strings)
    spacy_backend.entities([f"Zorblax{i} Quimbleton{i} met Frobnitz{i} in Snargleton{i}." for i in range(50)])
    assert len(spacy_backend.nlp.vocab.strings) == before
