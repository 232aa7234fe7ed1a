"""Dedup state shared by stage instances through Redis: one Lua script per decision, so check-and-insert is atomic.

Every key carries the same hash tag, so the state sits in one slot of a Redis Cluster too.
Durability is the server's (AOF or RDB); expiry runs by event time inside the script, a bounded
number of entries per call.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import redis

from services.dedup.decision import Decision, MatchPolicy, Probe

_KEY_NAMES = ("decisions", "decision-expiry", "entries", "signatures", "entry-expiry", "by-hash", "by-url", "by-band", "meta")


class RedisDedupState:
    """Decisions and fingerprints in Redis, shared by every stage instance using the same namespace."""

    def __init__(self, client: redis.Redis, *, namespace: str = "newsflow:dedup", prune_limit: int = 32) -> None:
        self._client = client
        self._keys = [f"{{{namespace}}}:{name}" for name in _KEY_NAMES]
        self._prune_limit = prune_limit
        source = resources.files("services.dedup").joinpath("redis_script.lua").read_text(encoding="utf-8")
        self._script = client.register_script(source)

    @classmethod
    def open(cls, url: str, *, namespace: str = "newsflow:dedup") -> RedisDedupState:
        """A state on the Redis at `url` (redis://host:port/db)."""
        return cls(redis.Redis.from_url(url), namespace=namespace)

    @property
    def ready(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False

    def decide(self, probes: list[Probe], policy: MatchPolicy) -> list[Decision]:
        """One script call per probe, pipelined in order: one round trip per batch."""
        pipeline = self._client.pipeline(transaction=False)
        for probe in probes:
            self._script(keys=self._keys, args=self._args(probe, policy), client=pipeline)
        return [_decision(raw) for raw in pipeline.execute()]

    def drop(self) -> None:
        """Delete every key of this namespace (benchmarks and tests clean up with it)."""
        self._client.delete(*self._keys)

    def used_memory(self) -> int:
        """Bytes the server reports for this namespace's keys (MEMORY USAGE, all samples)."""
        return sum(int(self._client.memory_usage(key, samples=0) or 0) for key in self._keys)

    def flush(self) -> None:
        """Nothing to do: Redis persists by its own configuration."""

    def close(self) -> None:
        self._client.close()

    def _args(self, probe: Probe, policy: MatchPolicy) -> list[Any]:
        signature = b"" if probe.signature is None else probe.signature.astype("<u4").tobytes()
        return [
            probe.article_id,
            repr(probe.event_time),
            probe.content_hash or "",
            probe.canonical_url or "",
            signature,
            probe.shingles,
            repr(policy.window_seconds),
            repr(policy.decision_retention_seconds),
            repr(policy.jaccard_threshold),
            repr(policy.containment_threshold),
            policy.bands,
            policy.rows,
            policy.min_containment_shingles,
            policy.min_agreements,
            "1" if policy.index_duplicates else "0",
            self._prune_limit,
        ]


def _decision(raw: bytes | str) -> Decision:
    data = json.loads(raw)
    return Decision(kind=data["k"], duplicate_of=data["d"], cluster_id=data["c"], similarity=float(data["s"]))
