"""Least-privilege Kafka ACLs per stage, derived from the topology, as arguments of Kafka's own kafka-acls tool.

A stage needs exactly:
- Read on its input topic and on its consumer group (Read implies Describe, which offsets and lag look-ups use);
- Write on each topic it publishes to, the dead-letter topic included. Since Kafka 3.0 (KIP-679) Write on a topic
  also allows the idempotent producer, so no cluster-wide IdempotentWrite is granted;
- Write on the transactional ids it uses, `<group>.<instance>`, granted by prefix so every instance is covered
  (Write implies Describe, which finding the transaction coordinator needs). Committing offsets inside the
  transaction is covered by Read on the group.
Nothing else: no Create, no cluster rights. Topics are created by an admin (`newsflow topics create`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.topics import STAGE_ORDER, Topics

ResourceKind = Literal["topic", "group", "transactional-id"]
Operation = Literal["Read", "Write", "Describe"]


def consumer_group(group_prefix: str, stage: str) -> str:
    """The consumer group of a stage's instances."""
    return f"{group_prefix}.{stage}"


def transactional_id(group_prefix: str, stage: str, instance_id: str) -> str:
    """One instance's transactional id: stable across its restarts, so a restart fences the instance it replaces."""
    return f"{consumer_group(group_prefix, stage)}.{instance_id}"


@dataclass(frozen=True)
class Grant:
    """One kafka-acls invocation: allow `operation` to `principal` on every resource listed."""

    principal: str
    operation: Operation
    resources: tuple[tuple[ResourceKind, str], ...]
    prefixed: bool = False

    def acl_args(self) -> list[str]:
        """Arguments for `kafka-acls --bootstrap-server ... --command-config ...` (the AclCommand class)."""
        args = ["--add", "--allow-principal", self.principal, "--operation", self.operation]
        for kind, name in self.resources:
            args += [f"--{kind}", name]
        if self.prefixed:
            args += ["--resource-pattern-type", "prefixed"]
        return args


def stage_grants(stage: str, topics: Topics, group_prefix: str, principal: str) -> list[Grant]:
    """What one stage's principal must be allowed, and nothing more."""
    user = principal if ":" in principal else f"User:{principal}"
    group = consumer_group(group_prefix, stage)
    return [
        Grant(user, "Read", (("topic", topics.input_of(stage)), ("group", group))),
        Grant(user, "Write", tuple(("topic", name) for name in topics.outputs_of(stage))),
        Grant(user, "Write", (("transactional-id", transactional_id(group_prefix, stage, "")),), prefixed=True),
    ]


def pipeline_grants(topics: Topics, group_prefix: str, principals: dict[str, str] | None = None) -> list[Grant]:
    """Grants for every stage; each stage's principal is its own name unless `principals` says otherwise."""
    names = principals or {}
    return [grant for stage in STAGE_ORDER for grant in stage_grants(stage, topics, group_prefix, names.get(stage, stage))]


def merged(grants: list[Grant]) -> list[Grant]:
    """The same bindings in as few kafka-acls runs as possible: one per principal, operation and pattern type."""
    by_kind: dict[tuple[str, Operation, bool], list[tuple[ResourceKind, str]]] = {}
    for grant in grants:
        resources = by_kind.setdefault((grant.principal, grant.operation, grant.prefixed), [])
        resources.extend(resource for resource in grant.resources if resource not in resources)
    return [Grant(principal, operation, tuple(resources), prefixed) for (principal, operation, prefixed), resources in by_kind.items()]
