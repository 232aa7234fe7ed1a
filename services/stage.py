"""What a stage is: typed records in, one typed result per record out. No Kafka here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict

from services.messages import Lineage

InT = TypeVar("InT", bound=BaseModel)


class Held(BaseModel):
    """The result of a record whose output waits (a dedup verdict held for its grace period).

    Only a `Releasing` stage returns it; the output comes out of `release` or `drain` later. A model,
    so that a stage's results stay `BaseModel | Rejection`; the runner never publishes it.
    """

    model_config = ConfigDict(frozen=True)


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
        """Return exactly one result per input record, in input order (`Held` only from a `Releasing` stage)."""
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


@runtime_checkable
class Releasing(Protocol):
    """A stage that may hold a record's output and publish it with a later batch.

    The runner hands it the positions the records were consumed at (a held output keeps its lineage),
    asks for the outputs released after each batch, tells it when a batch's outputs are delivered, and
    drains it at the end of a finite input (`newsflow process`, the evaluations).
    """

    def process_at(self, batch: Sequence[Any], positions: Sequence[Lineage | None]) -> list[BaseModel | Rejection]:
        """`process`, knowing where each record was consumed."""
        ...

    def release(self) -> list[BaseModel]:
        """Outputs of records held in earlier batches that are due now (lineage set), to publish with this batch."""
        ...

    def delivered(self) -> None:
        """The outputs handed out so far are published and their batch committed."""
        ...

    def drain(self) -> list[BaseModel]:
        """Every output still held: the input has ended."""
        ...
