"""Topic names and the routing table: a result's type decides its topic; stages never name one."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from services.messages import CleanArticle, DeadLetter, DuplicateArticle, EnrichedArticle, UniqueArticle

RAW = "articles.raw"
CLEAN = "articles.clean"
UNIQUE = "articles.unique"
DUPLICATES = "articles.duplicates"
ENRICHED = "articles.enriched"
DLQ = "articles.dlq"

ALL_TOPICS = (RAW, CLEAN, UNIQUE, DUPLICATES, ENRICHED, DLQ)

# Exact types, not isinstance: a DuplicateArticle is also a CleanArticle but must not go to articles.clean.
ROUTES: dict[type[BaseModel], str] = {
    CleanArticle: CLEAN,
    UniqueArticle: UNIQUE,
    DuplicateArticle: DUPLICATES,
    EnrichedArticle: ENRICHED,
    DeadLetter: DLQ,
}

STAGE_INPUTS = {"clean": RAW, "dedup": CLEAN, "tag": UNIQUE}
# What each stage publishes besides dead letters (every stage may dead-letter); ACLs are derived from it.
STAGE_OUTPUTS = {"clean": (CLEAN,), "dedup": (UNIQUE, DUPLICATES), "tag": (ENRICHED,)}
STAGE_ORDER = ("clean", "dedup", "tag")


@dataclass(frozen=True)
class Topics:
    """Topic names with the deployment's prefix applied."""

    prefix: str = ""

    def name(self, base: str) -> str:
        return f"{self.prefix}{base}"

    def for_result(self, result: BaseModel) -> str:
        try:
            return self.name(ROUTES[type(result)])
        except KeyError:
            raise TypeError(f"no topic is routed for {type(result).__name__}") from None

    def input_of(self, stage: str) -> str:
        return self.name(STAGE_INPUTS[stage])

    def outputs_of(self, stage: str) -> list[str]:
        """Every topic the stage may publish to: its outputs and the dead-letter topic."""
        return [self.name(base) for base in (*STAGE_OUTPUTS[stage], DLQ)]

    def needed_by(self, stages: list[str]) -> dict[str, str]:
        """What the given stages do to each topic they touch, Read or Write (Write wins), in pipeline order."""
        needs = {base: "Write" for stage in stages for base in (*STAGE_OUTPUTS[stage], DLQ)}
        for stage in stages:
            needs.setdefault(STAGE_INPUTS[stage], "Read")
        return {self.name(base): needs[base] for base in ALL_TOPICS if base in needs}

    def all(self) -> list[str]:
        return [self.name(base) for base in ALL_TOPICS]
