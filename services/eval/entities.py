"""Entity quality: bag-of-mentions P/R/F1 of the tag stage on CoNLL-2003 (IOB, PER/ORG/LOC/MISC)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.messages import EnrichedArticle, UniqueArticle
from services.tag import TaggerBackend, TagOptions, TagStage
from services.tag.languages import load_backends

TYPES = ("PER", "ORG", "LOC", "MISC")
# OntoNotes -> CoNLL, as the data README fixes it; labels not listed (dates, numbers) are ignored.
ONTONOTES_TO_CONLL = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "MISC": "MISC",
}
_BATCH = 64
# Any fixed time: the metric does not look at it, and a constant keeps runs reproducible.
_FETCHED_AT = datetime(2020, 1, 1, tzinfo=UTC)

Bag = Counter[tuple[str, str]]


@dataclass(frozen=True)
class ConllDocument:
    """One `-DOCSTART-` document: its text (tokens joined by spaces, sentences by newlines) and gold mentions."""

    text: str
    gold: Bag


def _spans(sentence: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """(surface, type) of each IOB span; accepts IOB1 (I- may open a span) and IOB2."""
    current: list[str] = []
    kind = ""
    for token, tag in [*sentence, ("", "O")]:
        prefix, _, tag_kind = tag.partition("-")
        if current and (prefix != "I" or tag_kind != kind):
            yield " ".join(current), kind
            current = []
        if prefix in {"B", "I"}:
            if not current:
                kind = tag_kind
            current.append(token)


def _document(sentences: list[list[tuple[str, str]]]) -> ConllDocument:
    text = "\n".join(" ".join(token for token, _ in sentence) for sentence in sentences)
    return ConllDocument(text=text, gold=Counter(span for sentence in sentences for span in _spans(sentence)))


def read_conll(path: Path) -> list[ConllDocument]:
    """Documents of a CoNLL-2003 file: token in the first column, IOB tag in the last."""
    documents: list[ConllDocument] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        columns = line.split()
        if columns and columns[0] == "-DOCSTART-":
            if sentences:
                documents.append(_document(sentences))
            sentences = []
        elif columns:
            sentence.append((columns[0], columns[-1]))
        elif sentence:
            sentences.append(sentence)
            sentence = []
    if sentences:
        documents.append(_document(sentences))
    return documents


@dataclass(frozen=True)
class Counts:
    """Micro-averaged counts: true positives, predicted and gold mentions."""

    shared: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.shared / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.shared / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.shared + other.shared, self.predicted + other.predicted, self.gold + other.gold)


def compare(predicted: Bag, gold: Bag) -> dict[str, Counts]:
    """Per-type counts of one document's bag of mentions against its gold bag (multiset overlap)."""
    shared = predicted & gold
    return {
        kind: Counts(
            shared=sum(n for (_, k), n in shared.items() if k == kind),
            predicted=sum(n for (_, k), n in predicted.items() if k == kind),
            gold=sum(n for (_, k), n in gold.items() if k == kind),
        )
        for kind in TYPES
    }


@dataclass(frozen=True)
class EntitiesReport:
    """Micro P/R/F1 overall and per CoNLL type."""

    by_type: dict[str, Counts] = field(default_factory=dict)
    documents: int = 0

    @property
    def overall(self) -> Counts:
        return sum(self.by_type.values(), Counts())

    def render(self) -> str:
        rows = [f"{'type':<8} {'F1':>6} {'P':>6} {'R':>6} {'gold':>6}"]
        for name, counts in [*self.by_type.items(), ("overall", self.overall)]:
            rows.append(f"{name:<8} {counts.f1:6.3f} {counts.precision:6.3f} {counts.recall:6.3f} {counts.gold:6d}")
        rows.append(f"documents: {self.documents}")
        return "\n".join(rows)


def predicted_bag(article: EnrichedArticle) -> Bag:
    """The article's mentions as (surface, CoNLL type), ignoring labels CoNLL does not annotate."""
    return Counter((e.text, ONTONOTES_TO_CONLL[e.label]) for e in article.entities if e.label in ONTONOTES_TO_CONLL)


def _as_article(index: int, document: ConllDocument) -> UniqueArticle:
    doc_id = f"conll-{index}"
    return UniqueArticle(
        id=doc_id,
        fetched_at=_FETCHED_AT,
        body=document.text,
        word_count=len(document.text.split()),
        removed_chars=0,
        cluster_id=doc_id,
        content_hash=doc_id,
    )


def score_documents(stage: TagStage, documents: Sequence[ConllDocument]) -> EntitiesReport:
    """Run the stage over the documents in batches and sum per-type counts."""
    totals = {kind: Counts() for kind in TYPES}
    for first in range(0, len(documents), _BATCH):
        chunk = documents[first : first + _BATCH]
        results = stage.process([_as_article(first + i, doc) for i, doc in enumerate(chunk)])
        for document, result in zip(chunk, results, strict=True):
            bag = predicted_bag(result) if isinstance(result, EnrichedArticle) else Bag()
            for kind, counts in compare(bag, document.gold).items():
                totals[kind] = totals[kind] + counts
    return EntitiesReport(by_type=totals, documents=len(documents))


def options_without(corrections: Sequence[str]) -> TagOptions:
    """The default options with the named corrections switched off; an unknown name is an error listing the known ones."""
    switches = sorted(name for f in fields(TagOptions) if f.type in {"bool", bool} for name in [f.name])
    unknown = sorted(set(corrections) - set(switches))
    if unknown:
        raise ValueError(f"unknown correction(s) {unknown}; choose from {', '.join(switches)}")
    switched_off: dict[str, Any] = dict.fromkeys(corrections, False)
    return replace(TagOptions(), **switched_off)


def document_slice(documents: list[ConllDocument], spec: str | None) -> list[ConllDocument]:
    """The documents START:END (Python slice bounds, either may be empty); all of them when spec is None."""
    if spec is None:
        return documents
    start, sep, end = spec.partition(":")
    if not sep:
        raise ValueError(f"--documents takes START:END, got {spec!r}")
    return documents[int(start) if start else None : int(end) if end else None]


def evaluate_entities(
    conll_path: Path,
    backend: TaggerBackend | Sequence[TaggerBackend] | None = None,
    *,
    options: TagOptions | None = None,
    documents: str | None = None,
) -> EntitiesReport:
    """Bag-of-mentions quality of the tag stage (default options, the English spaCy model) on a CoNLL-2003 file."""
    stage = TagStage(backend or load_backends(["en"]), options=options or TagOptions())
    return score_documents(stage, document_slice(read_conll(conll_path), documents))
