"""What a stage is: typed records in, one typed result per record out. No Kafka here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

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
