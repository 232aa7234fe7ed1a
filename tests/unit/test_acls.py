"""The ACLs each stage is granted are exactly what it reads and writes, derived from the topology."""

from __future__ import annotations

import pytest

from services.acls import Grant, consumer_group, pipeline_grants, stage_grants, transactional_id
from services.topics import DLQ, STAGE_INPUTS, STAGE_ORDER, STAGE_OUTPUTS, Topics

TOPICS = Topics("t1.")


def _bindings(grants: list[Grant]) -> set[tuple[str, str, str, str, bool]]:
    return {(g.principal, g.operation, kind, name, g.prefixed) for g in grants for kind, name in g.resources}


@pytest.mark.parametrize("stage", STAGE_ORDER)
def test_a_stage_reads_its_input_and_group_and_writes_its_outputs_and_the_dlq_only(stage: str) -> None:
    grants = stage_grants(stage, TOPICS, "g1", stage)
    user = f"User:{stage}"
    expected = {
        (user, "Read", "topic", f"t1.{STAGE_INPUTS[stage]}", False),
        (user, "Read", "group", f"g1.{stage}", False),
        *((user, "Write", "topic", f"t1.{base}", False) for base in (*STAGE_OUTPUTS[stage], DLQ)),
        (user, "Write", "transactional-id", f"g1.{stage}.", True),
    }
    assert _bindings(grants) == expected


def test_every_transactional_id_a_stage_uses_falls_under_its_granted_prefix() -> None:
    (prefix_grant,) = [g for g in stage_grants("tag", TOPICS, "g1", "tag") if g.prefixed]
    (_, prefix), *_ = prefix_grant.resources
    assert transactional_id("g1", "tag", "pod-7").startswith(prefix)
    assert not transactional_id("g1", "tagger", "pod-7").startswith(prefix)  # no other stage's ids
    assert consumer_group("g1", "tag") == "g1.tag"


def test_no_stage_may_create_topics_touch_the_cluster_or_read_what_it_does_not_consume() -> None:
    grants = pipeline_grants(TOPICS, "g1")
    assert {g.operation for g in grants} == {"Read", "Write"}
    for stage in STAGE_ORDER:
        read_topics = {name for p, op, kind, name, _ in _bindings(grants) if p == f"User:{stage}" and op == "Read" and kind == "topic"}
        assert read_topics == {f"t1.{STAGE_INPUTS[stage]}"}


def test_principals_can_be_renamed_per_stage() -> None:
    grants = pipeline_grants(TOPICS, "g1", {"dedup": "svc-dedup", "tag": "User:svc-tag"})
    assert {g.principal for g in grants} == {"User:clean", "User:svc-dedup", "User:svc-tag"}


def test_acl_args_are_kafka_acls_arguments() -> None:
    read, _, txn = stage_grants("clean", TOPICS, "g1", "clean")
    assert read.acl_args() == [
        "--add", "--allow-principal", "User:clean", "--operation", "Read", "--topic", "t1.articles.raw", "--group", "g1.clean",
    ]  # fmt: skip
    assert txn.acl_args()[-2:] == ["--resource-pattern-type", "prefixed"]


def test_a_stage_needs_read_on_its_input_and_write_on_its_outputs() -> None:
    assert TOPICS.needed_by(["tag"]) == {"t1.articles.unique": "Read", "t1.articles.enriched": "Write", "t1.articles.dlq": "Write"}
    # In one process, clean's output is dedup's input: reported as Write, the first use a publish would be refused.
    assert TOPICS.needed_by(["clean", "dedup"])["t1.articles.clean"] == "Write"
