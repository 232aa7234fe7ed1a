"""The pipeline, declared once: every topic and its message model, every stage with its input, and where each result goes.

Routing (`Topics.for_result`), schema generation, replay naming and the in-process chaining of `process`,
`replay` and the bench all read this module; nothing else names a stage's topics.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from services.messages import CleanArticle, DeadLetter, DuplicateArticle, EnrichedArticle, RawArticle, UniqueArticle

RAW = "articles.raw"
CLEAN = "articles.clean"
UNIQUE = "articles.unique"
DUPLICATES = "articles.duplicates"
ENRICHED = "articles.enriched"
DLQ = "articles.dlq"


@dataclass(frozen=True)
class TopicSpec:
    """A topic: its base name (before the deployment's prefix), its message model, and who writes it."""

    name: str
    model: type[BaseModel]
    written_by: str


@dataclass(frozen=True)
class StageSpec:
    """A stage: the topic it reads, the model it validates against, and whether its input records must be keyed."""

    name: str
    input_topic: str
    input_model: type[BaseModel]
    # Every record after the raw topic is keyed by article id; raw keys are required only when configured.
    keyed_input: bool


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(RAW, RawArticle, "crawlers"),
    TopicSpec(CLEAN, CleanArticle, "clean"),
    TopicSpec(UNIQUE, UniqueArticle, "dedup"),
    TopicSpec(DUPLICATES, DuplicateArticle, "dedup"),
    TopicSpec(ENRICHED, EnrichedArticle, "tag"),
    TopicSpec(DLQ, DeadLetter, "any stage"),
)

STAGES: tuple[StageSpec, ...] = (
    StageSpec("clean", RAW, RawArticle, keyed_input=False),
    StageSpec("dedup", CLEAN, CleanArticle, keyed_input=True),
    StageSpec("tag", UNIQUE, UniqueArticle, keyed_input=True),
)

# Exact types, not isinstance: a DuplicateArticle is also a CleanArticle but must not go to articles.clean.
ROUTES: dict[type[BaseModel], str] = {spec.model: spec.name for spec in TOPICS if spec.name != RAW}

ALL_TOPICS = tuple(spec.name for spec in TOPICS)
STAGE_ORDER = tuple(stage.name for stage in STAGES)
STAGE_INPUTS = {stage.name: stage.input_topic for stage in STAGES}
TOPIC_MODELS: dict[str, type[BaseModel]] = {spec.name: spec.model for spec in TOPICS}
# What each stage publishes besides dead letters (every stage may dead-letter); ACLs are derived from it.
STAGE_OUTPUTS = {stage.name: tuple(t.name for t in TOPICS if t.written_by == stage.name) for stage in STAGES}


def stage(name: str) -> StageSpec:
    """The stage called `name`; an error naming the choices otherwise."""
    for spec in STAGES:
        if spec.name == name:
            return spec
    raise ValueError(f"unknown stage {name!r}; choose from {', '.join(STAGE_ORDER)}")


def next_stage(name: str) -> StageSpec | None:
    """The stage that reads what `name` publishes, or None after the last one."""
    position = STAGE_ORDER.index(name) + 1
    return STAGES[position] if position < len(STAGES) else None


# Every reason a dead letter may carry (a test finds each one the code gives here); `dlq redrive --reason` takes these.
DEAD_LETTER_REASONS: dict[str, str] = {
    "missing_key": "the record has a null or empty key, on a keyed topic",
    "empty_payload": "the record has no value",
    "payload_too_large": "the value is over max_payload_bytes",
    "not_utf8": "the value is not UTF-8",
    "nul_bytes": "the value holds a NUL character",
    "invalid_json": "the value is not JSON",
    "wrong_shape": "the JSON does not fit the input model (the detail names the field)",
    "missing_body": "a raw event with neither html nor text",
    "missing_text": "without the clean stage, a raw event with no text",
    "scripts_only": "HTML with nothing but code",
    "empty_body": "a page that holds no news at all",
    "undecodable": "html_base64 that is not base64, bytes that are text in no encoding, or html and html_base64 that differ",
    "processing_error": "the stage raised on the record after retries",
    "output_too_large": "what the stage made of the record is over the message limit",
    "output_unserialisable": "what the stage made of the record cannot be written as JSON",
    "output_rejected": "the broker refused what the stage made of the record",
}
