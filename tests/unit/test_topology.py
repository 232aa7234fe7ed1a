"""The pipeline's declaration: every dead-letter reason the code gives is declared, and the stages chain."""

from __future__ import annotations

import re

from services import topology
from tests.conftest import REPO_ROOT

# How code names a reason: a rejection, a decode error, a dead letter made by the runner, a model's own error type.
_REASON = re.compile(r'(?:Rejection|DecodeError|PydanticCustomError)\(\s*"([a-z0-9_]+)"|dead_letter\([^,]+,\s*"([a-z0-9_]+)"')


def test_every_reason_the_code_gives_is_declared() -> None:
    given = {
        match
        for path in (REPO_ROOT / "services").rglob("*.py")
        if "eval" not in path.parts  # the evaluation labels what it compares, it dead-letters nothing
        for groups in _REASON.findall(path.read_text(encoding="utf-8"))
        for match in groups
        if match
    }
    assert given >= {"payload_too_large", "not_utf8", "missing_body", "empty_body", "processing_error", "output_too_large"}
    assert given - set(topology.DEAD_LETTER_REASONS) == set()


def test_each_stage_reads_what_the_one_before_it_writes() -> None:
    for stage in topology.STAGES[1:]:
        writer = next(spec.written_by for spec in topology.TOPICS if spec.name == stage.input_topic)
        assert topology.STAGE_ORDER.index(writer) == topology.STAGE_ORDER.index(stage.name) - 1
        assert topology.TOPIC_MODELS[stage.input_topic] is stage.input_model
