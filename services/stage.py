"""What a stage is: typed records in, one typed result per record out. No Kafka here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

InT = TypeVar("InT", bound=BaseModel)


@dataclass(frozen=True)
class Rejection:
    """A record the stage refuses; the chassis dead-letters it with this reason."""

    reason: str
    detail: str


class Stage(Protocol[InT]):
    """A pure processing step; the chassis is its only caller."""

    @property
    def name(self) -> str:
        """Stage name, used for metrics, consumer groups and dead letters."""
        ...

    @property
    def input_model(self) -> type[InT]:
        """Model every consumed record is validated against."""
        ...

    def process(self, batch: Sequence[InT]) -> list[BaseModel | Rejection]:
        """Return exactly one result per input record, in input order."""
        ...


@runtime_checkable
class Checkpointing(Protocol):
    """A stage with state to make durable before the chassis commits the batch that changed it."""

    def checkpoint(self) -> None:
        """Persist what the last batch decided; called before its offsets are committed."""
        ...


@runtime_checkable
class Readiness(Protocol):
    """A stage whose state may still be loading; /readyz waits for it."""

    @property
    def ready(self) -> bool:
        """True once the stage can decide correctly."""
        ...
