"""The pair metric of services/eval/duplicates.py, and CoNLL documents rebuilt from tokens."""

from __future__ import annotations

from pathlib import Path

from services.eval.duplicates import clusters_from_links, conll_documents, pair_scores


def test_clusters_follow_duplicate_links_transitively() -> None:
    roots = clusters_from_links(["a", "b", "c", "d"], {"b": "a", "c": "b"})
    assert roots["a"] == roots["b"] == roots["c"] != roots["d"]


def test_pair_precision_and_recall() -> None:
    groups = {"a": "x", "b": "x", "c": "x", "d": "y"}
    scores = pair_scores(groups, {"b": "a", "d": "a"})  # a-b right, a-d and b-d wrong, a-c and b-c missed
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (3, 3, 1)
    assert scores.precision == scores.recall == 1 / 3


def test_conll_documents_join_tokens_with_spaces_and_sentences_with_newlines(tmp_path: Path) -> None:
    conll = tmp_path / "valid.txt"
    conll.write_text(
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\n\n"
        "-DOCSTART- -X- -X- O\n\nLONDON NNP B-NP B-LOC\n",
        encoding="utf-8",
    )
    assert conll_documents(conll) == ["EU rejects\nPeter", "LONDON"]
