"""Start-up waits, quietly, until the broker names the coordinators of the stages' groups and transactional ids."""

from __future__ import annotations

import asyncio
from collections import deque

import pytest
from aiokafka.errors import CoordinatorNotAvailableError, GroupAuthorizationFailedError, KafkaError, TransactionalIdAuthorizationFailed

from services.chassis import admin
from services.chassis.access import AccessDenied
from services.settings import Settings


class _ScriptedAdmin:
    """Answers FindCoordinator from a script: an exception to raise or a broker id, per question in order."""

    def __init__(self, answers: list[int | KafkaError]) -> None:
        self.answers = deque(answers)
        self.asked: list[tuple[str, int]] = []
        self.closed = False

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self.closed = True

    async def find_coordinator(self, key: str, kind: int) -> int:
        self.asked.append((key, kind))
        answer = self.answers.popleft() if self.answers else 1
        if isinstance(answer, KafkaError):
            raise answer
        return answer


def _wait(scripted: _ScriptedAdmin, monkeypatch: pytest.MonkeyPatch, *, deadline_s: float = 5.0) -> bool:
    monkeypatch.setattr(admin, "make_admin", lambda settings, bootstrap: scripted)
    waited = admin.wait_for_coordinators(
        Settings(), "localhost:1", groups=["g.clean", "g.dedup"], transactional_ids=["g.clean.a"], deadline_s=deadline_s, pause_s=0.01
    )
    return asyncio.run(waited)


def test_asks_again_while_the_coordinator_is_starting_then_for_each_group_and_transactional_id(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = _ScriptedAdmin([CoordinatorNotAvailableError(), CoordinatorNotAvailableError(), 1, 1, 1])

    assert _wait(scripted, monkeypatch) is True
    assert scripted.asked == [("g.clean", 0), ("g.clean", 0), ("g.clean", 0), ("g.dedup", 0), ("g.clean.a", 1)]
    assert scripted.closed


@pytest.mark.parametrize(
    ("refusal", "answers_before", "named"),
    [
        (GroupAuthorizationFailedError(), [1], ("Read", "group", ("g.dedup",))),
        (TransactionalIdAuthorizationFailed(), [1, 1], ("Write", "transactional-id", ("g.clean.a",))),
    ],
    ids=["group", "transactional-id"],
)
def test_a_refusal_names_the_group_or_transactional_id_without_its_acl(
    monkeypatch: pytest.MonkeyPatch, refusal: KafkaError, answers_before: list[int], named: tuple[str, str, tuple[str, ...]]
) -> None:
    scripted = _ScriptedAdmin([*answers_before, refusal])

    with pytest.raises(AccessDenied) as raised:
        _wait(scripted, monkeypatch)

    refused = raised.value.denial
    assert (refused.operation, refused.resource, refused.names) == named
    assert len(scripted.asked) == len(answers_before) + 1  # not asked again: retrying cannot help
    assert scripted.closed


def test_other_errors_are_left_to_the_stage_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = _ScriptedAdmin([KafkaError("request timed out"), 1, 1])

    assert _wait(scripted, monkeypatch) is True
    assert [key for key, _ in scripted.asked] == ["g.clean", "g.dedup", "g.clean.a"]


def test_gives_up_at_the_deadline_when_the_coordinator_never_comes(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = _ScriptedAdmin([CoordinatorNotAvailableError()] * 1000)

    assert _wait(scripted, monkeypatch, deadline_s=0.05) is False
    assert {key for key, _ in scripted.asked} == {"g.clean"}
    assert scripted.closed
