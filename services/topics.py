"""Topic names with the deployment's prefix, and routing by result type; the declarations are in services.topology."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from services.topology import (
    ALL_TOPICS,
    CLEAN,
    DLQ,
    DUPLICATES,
    ENRICHED,
    RAW,
    ROUTES,
    STAGE_INPUTS,
    STAGE_ORDER,
    STAGE_OUTPUTS,
    UNIQUE,
)

__all__ = [
    "ALL_TOPICS",
    "CLEAN",
    "DLQ",
    "DUPLICATES",
    "ENRICHED",
    "RAW",
    "STAGE_INPUTS",
    "STAGE_ORDER",
    "STAGE_OUTPUTS",
    "UNIQUE",
    "Topics",
]


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
