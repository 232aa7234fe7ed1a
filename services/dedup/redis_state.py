"""Dedup state shared by stage instances through Redis: one Lua script per arrival and per verdict, so each is atomic.

Every key carries the same hash tag, so the state sits in one slot of a Redis Cluster too.
Durability is the server's (AOF or RDB); expiry runs by event time inside the script, a bounded
number of entries per call. LSH band keys are 32-bit, spread over `2**bucket_bits` small hashes so
each stays in Redis's compact listpack encoding (keep `hash-max-listpack-entries` >= 256 for a
week at 200,000 articles a day).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import redis

from services.dedup.decision import Admission, Decision, MatchPolicy, Probe
from services.dedup.records import decision_from_json

_KEY_NAMES = ("meta", "articles", "article-expiry", "entries", "signatures", "entry-expiry", "by-hash", "by-url", "stories")


def _script(client: redis.Redis, name: str) -> Any:
    return client.register_script(resources.files("services.dedup").joinpath(name).read_text(encoding="utf-8"))


class RedisDedupState:
    """Decisions, stories and fingerprints in Redis, shared by every stage instance using the same namespace."""

    def __init__(self, client: redis.Redis, *, namespace: str = "newsflow:dedup", prune_limit: int = 32, bucket_bits: int = 20) -> None:
        self._client = client
        self._namespace = namespace
        self._keys = [f"{{{namespace}}}:{name}" for name in _KEY_NAMES]
        self._prune_limit = prune_limit
        self._bucket_bits = bucket_bits
        self._admit = _script(client, "redis_admit.lua")
        self._settle = _script(client, "redis_settle.lua")

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

    def admit(self, probes: list[Probe], policy: MatchPolicy) -> list[Admission]:
        """One script call per probe, pipelined in order: one round trip per batch."""
        pipeline = self._client.pipeline(transaction=False)
        for probe in probes:
            self._admit(keys=self._keys, args=self._admit_args(probe, policy), client=pipeline)
        admissions = []
        for raw in pipeline.execute():
            data = json.loads(raw)
            verdict = data["v"]
            admissions.append(Admission(None if verdict is None else decision_from_json(verdict), float(data["a"])))
        return admissions

    def settle(self, events: list[tuple[str, str]], policy: MatchPolicy) -> list[Decision]:
        pipeline = self._client.pipeline(transaction=False)
        for article_id, key in events:
            args = [article_id, key, repr(policy.jaccard_threshold), repr(policy.containment_threshold)]
            self._settle(keys=self._keys, args=[*args, policy.min_containment_shingles, policy.min_agreements], client=pipeline)
        return [decision_from_json(json.loads(raw)) for raw in pipeline.execute()]

    def drop(self) -> None:
        """Delete every key of this namespace (benchmarks and tests clean up with it)."""
        self._client.delete(*self._keys)
        buckets = list(self._client.scan_iter(match=f"{{{self._namespace}}}:meta:b*", count=10_000))
        for start in range(0, len(buckets), 10_000):
            self._client.delete(*buckets[start : start + 10_000])

    def used_memory(self) -> int:
        """Bytes the server reports for this namespace's keys (MEMORY USAGE, all samples)."""
        names = [*self._keys, *self._client.scan_iter(match=f"{{{self._namespace}}}:meta:b*", count=10_000)]
        return sum(int(self._client.memory_usage(key, samples=0) or 0) for key in names)

    def flush(self) -> None:
        """Nothing to do: Redis persists by its own configuration."""

    def close(self) -> None:
        self._client.close()

    def _admit_args(self, probe: Probe, policy: MatchPolicy) -> list[Any]:
        if probe.signature is None:
            signature, band_keys = b"", b""
        else:
            signature = probe.signature.astype("<u4").tobytes()
            band_keys = policy.band_hashes(probe.signature).astype(">u4").tobytes()
        return [
            probe.article_id,
            repr(probe.event_time),
            repr(probe.origin_time),
            probe.event_key,
            probe.content_hash or "",
            probe.canonical_url or "",
            signature,
            probe.shingles,
            band_keys,
            repr(policy.window_seconds),
            repr(policy.decision_retention_seconds),
            repr(policy.jaccard_threshold),
            repr(policy.containment_threshold),
            policy.min_containment_shingles,
            policy.min_agreements,
            "1" if policy.index_duplicates else "0",
            self._prune_limit,
            self._bucket_bits,
        ]
