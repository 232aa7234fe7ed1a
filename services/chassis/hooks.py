"""What the chassis calls on every record a stage publishes, so that it needs to know nothing of their content."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic import BaseModel

from services.messages import Lineage


class RecordHooks(Protocol):
    """Stamps a stage's result before it is published, and observes it once it is (domain metrics)."""

    def stamp(self, stage: str, result: BaseModel, lineage: Lineage | None, now: datetime) -> BaseModel:
        """The result as it is published: with where it came from (None: it already says) and when, for records that carry those."""
        ...

    def observe(self, stage: str, result: BaseModel) -> None:
        """Count what the result says (duplicates, entities, words, freshness); called once per published record."""
        ...


class NoHooks:
    """Results published as the stage made them, and no domain metrics."""

    def stamp(self, stage: str, result: BaseModel, lineage: Lineage | None, now: datetime) -> BaseModel:
        return result

    def observe(self, stage: str, result: BaseModel) -> None:
        return None
