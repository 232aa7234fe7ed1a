"""What a replay reads and writes: the input stage of a topic, versioned output topics, the chain, the group."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from services.topics import Topics
from services.topology import STAGE_INPUTS, STAGE_ORDER

__all__ = ["VersionedTopics", "input_stage", "output_topics", "replay_group", "stage_chain"]
_VERSION = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class VersionedTopics(Topics):
    """Topic names with the prefix and a version suffix: `articles.enriched` -> `<prefix>articles.enriched.v2`."""

    version: str = ""

    def name(self, base: str) -> str:
        return f"{self.prefix}{base}.{self.version}" if self.version else f"{self.prefix}{base}"


def output_topics(prefix: str, version: str | None) -> Topics:
    if version is None:
        return Topics(prefix)
    if not _VERSION.fullmatch(version):
        raise ValueError(f"--output-version {version!r}: use letters, digits, '-' or '_' (e.g. v2)")
    return VersionedTopics(prefix, version)


def input_stage(topic: str, prefix: str, stage: str | None) -> tuple[str, str]:
    """(full topic name, stage) for `--topic`: a base name gets the prefix; `--stage` overrides the topic's own stage."""
    by_input = {base: name for name, base in STAGE_INPUTS.items()}
    if topic in by_input:
        full, own = f"{prefix}{topic}", by_input[topic]
    elif prefix and topic.startswith(prefix) and topic[len(prefix) :] in by_input:
        full, own = topic, by_input[topic[len(prefix) :]]
    else:
        full, own = topic, None
    chosen = stage or own
    if chosen is None:
        raise ValueError(f"{topic} is not the input of a stage ({', '.join(STAGE_INPUTS.values())}); name one with --stage")
    if chosen not in STAGE_ORDER:
        raise ValueError(f"unknown stage {chosen!r}; choose from {', '.join(STAGE_ORDER)}")
    return full, chosen


def stage_chain(first: str, through: str | None) -> list[str]:
    """Stages from `first` to `through` (inclusive), in pipeline order."""
    last = through or first
    if last not in STAGE_ORDER:
        raise ValueError(f"unknown stage {last!r} for --through; choose from {', '.join(STAGE_ORDER)}")
    names = list(STAGE_ORDER[STAGE_ORDER.index(first) : STAGE_ORDER.index(last) + 1])
    if not names:
        raise ValueError(f"--through {last} comes before the input stage {first}")
    return names


def replay_group(group_prefix: str, stage: str, suffix: str | None, now: datetime) -> str:
    """`<group_prefix>.replay.<stage>.<suffix or UTC timestamp>`."""
    return f"{group_prefix}.replay.{stage}.{suffix or now.strftime('%Y%m%dT%H%M%SZ')}"
