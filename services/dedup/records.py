"""A decision with the probe behind it, as one JSON line: the unit of the in-process state's journal."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from services.dedup.decision import Decision, Probe


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """What the in-process state keeps per article: its probe, its decision, and whether it was indexed."""

    probe: Probe
    decision: Decision
    indexed: bool

    def to_json(self) -> str:
        probe = self.probe
        signature = None if probe.signature is None else base64.b64encode(probe.signature.astype("<u4").tobytes()).decode("ascii")
        decision = self.decision
        return json.dumps(
            {
                "id": probe.article_id,
                "t": probe.event_time,
                "h": probe.content_hash,
                "u": probe.canonical_url,
                "sig": signature,
                "n": probe.shingles,
                "k": decision.kind,
                "d": decision.duplicate_of,
                "c": decision.cluster_id,
                "s": decision.similarity,
                "i": self.indexed,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, line: str) -> DecisionRecord:
        data: dict[str, Any] = json.loads(line)
        raw_signature = data["sig"]
        signature = None if raw_signature is None else np.frombuffer(base64.b64decode(raw_signature), dtype="<u4").astype(np.uint32)
        probe = Probe(
            article_id=data["id"],
            event_time=float(data["t"]),
            content_hash=data["h"],
            canonical_url=data["u"],
            signature=signature,
            shingles=int(data["n"]),
        )
        decision = Decision(kind=data["k"], duplicate_of=data["d"], cluster_id=data["c"], similarity=float(data["s"]))
        return cls(probe=probe, decision=decision, indexed=bool(data["i"]))
