"""What the chassis moves around: a consumed record in, a keyed message out."""

from __future__ import annotations

from dataclasses import dataclass

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

    def encoded(self) -> bytes:
        return self.value.model_dump_json().encode("utf-8")
