"""What the chassis moves around: a consumed record in, a keyed message out."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pydantic import BaseModel

from services.messages import Lineage


@dataclass(frozen=True)
class Inbound:
    """A consumed record, as bytes, with where it came from."""

    key: bytes | None
    value: bytes
    lineage: Lineage


@dataclass(frozen=True)
class Outbound:
    """A message to publish: its topic, key and record."""

    topic: str
    key: str
    value: BaseModel
    # The consumed record it was made from, when that was in this batch (a held-then-released output's was not).
    source: Inbound | None = field(default=None, compare=False, repr=False)

    @cached_property
    def payload(self) -> bytes:
        """The value as JSON, encoded once: the runner checks its size, the delivery sends it."""
        return self.value.model_dump_json().encode("utf-8")

    def encoded(self) -> bytes:
        return self.payload

    def encoded_or_empty(self) -> bytes:
        """The encoding, or nothing for a value that cannot be encoded (to describe it in a dead letter)."""
        try:
            return self.payload
        except (ValueError, TypeError):
            return b""
