"""Exactly-once delivery narrows a refused batch down to the record the broker refuses; the rest is committed in order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from services.chassis.delivery import Delivered, ExactlyOnce, Message, TransactionalSink
from services.chassis.envelope import Inbound, Outbound
from services.chassis.kafka import MessageSizeTooLargeError, OffsetAndMetadata, TopicPartition
from services.messages import DeadLetter, Lineage
from services.settings import Settings


class RefusingSink(TransactionalSink):
    """Commits every transaction except one holding a value with b"refused" in it, as a broker over its limit would."""

    def __init__(self) -> None:
        super().__init__(Settings(), "unused:9092", "unused")
        self.committed: list[tuple[list[bytes], dict[TopicPartition, int]]] = []

    async def commit(
        self,
        messages: Sequence[Message],
        offsets: Mapping[TopicPartition, OffsetAndMetadata | tuple[int, str]] | None = None,
        group_id: str | None = None,
    ) -> None:
        if any(b"refused" in value for _, _, value in messages):
            raise MessageSizeTooLargeError
        offsets = offsets or {}
        self.committed.append(([value for _, _, value in messages], {tp: meta[0] for tp, meta in offsets.items()}))


def _item(offset: int, partition: int = 0) -> Inbound:
    return Inbound(b"k", b"raw", Lineage(topic="t.articles.raw", partition=partition, offset=offset))


def _out(text: str, source: Inbound | None = None) -> Outbound:
    letter = DeadLetter(stage="s", reason="r", detail=text, original_value="", lineage=Lineage(topic="x", partition=0, offset=0),
                        failed_at=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
    return Outbound("t.out", text, letter, source=source)


def _replace(out: Outbound, error: BaseException) -> Outbound:
    assert out.source is not None
    return _out(f"letter for {out.source.lineage.offset}: {type(error).__name__}", out.source)


async def test_the_refused_record_stands_alone_and_is_replaced_and_every_other_is_committed_once() -> None:
    sink = RefusingSink()
    delivery = ExactlyOnce(Settings(), "unused:9092", group_id="g", transactional_id="t", sink=sink)
    batch = [_item(n) for n in range(8)]
    outbound = [_out("refused" if n == 5 else f"ok {n}", item) for n, item in enumerate(batch)]
    done: list[Delivered] = []
    message: Any = None
    await delivery.deliver(batch, outbound, message, done, _replace)

    delivered = [item.lineage.offset for piece in done for item in piece.batch]
    assert delivered == list(range(8)), "every record delivered once, in order"
    letters = [out.key for piece in done for out in piece.outbound if out.key.startswith("letter")]
    assert letters == ["letter for 5: MessageSizeTooLargeError"]
    commits = [offsets[TopicPartition("t.articles.raw", 0)] for _, offsets in sink.committed]
    assert commits == sorted(commits), "each commit moves the partition forward"
    assert commits[-1] == 8
