"""One batch through one stage: decode, process, stamp, route. Shared by `run` (Kafka), `process` and `replay`.

`run_batch` makes the messages and may run again for the same records (a batch whose delivery failed is
taken again); `confirm` counts and logs them, once, after they were delivered.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from pydantic import BaseModel

from services.chassis.decode import DecodeError, Decoder
from services.chassis.envelope import Inbound, Outbound
from services.chassis.hooks import NoHooks, RecordHooks
from services.chassis.metrics import Metrics
from services.messages import DeadLetter, Lineage
from services.stage import Checkpointing, Held, Rejection, Releasing, Stage
from services.topics import Topics

log = structlog.get_logger("newsflow.runner")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class StageRunner:
    """Turns consumed records into messages to publish, one stage at a time."""

    stage: Stage[Any]
    topics: Topics
    metrics: Metrics
    max_payload_bytes: int
    clock: Clock = utc_now
    require_key: bool = False
    attempts: int = 3
    retry_backoff_s: float = 0.05
    # Stamps and domain metrics of the stage's results: the chassis itself knows no article.
    hooks: RecordHooks = field(default_factory=NoHooks)
    # Largest message the producer and topics take; an output over it is dead-lettered instead (None: not checked).
    max_message_bytes: int | None = None

    def __post_init__(self) -> None:
        self._decoder = Decoder(self.stage.input_model, self.max_payload_bytes, require_key=self.require_key)

    @property
    def name(self) -> str:
        return self.stage.name

    def run_batch(self, batch: Sequence[Inbound], *, drain: bool = False) -> list[Outbound]:
        """One output message per input record, in input order, except records a stage holds; then the held outputs now due.

        `drain` (the input has ended) also takes every output a stage still holds.
        """
        decoded = [self._decoder.decode(item.key, item.value) for item in batch]
        kept = [(record, item.lineage) for item, record in zip(batch, decoded, strict=True) if not isinstance(record, DecodeError)]
        processed = iter(self._process([record for record, _ in kept], [lineage for _, lineage in kept]))
        now = self.clock()
        routed = [
            self._route(item, record, record if isinstance(record, DecodeError) else next(processed), now)
            for item, record in zip(batch, decoded, strict=True)
        ]
        outbound = [out for out in routed if out is not None]
        if isinstance(self.stage, Releasing):
            released = [*self.stage.release(), *(self.stage.drain() if drain else ())]
            outbound.extend(self._route_released(result, now) for result in released)
        if isinstance(self.stage, Checkpointing):
            self.stage.checkpoint()
        return outbound

    def confirm(self, batch: Sequence[Inbound], outbound: Sequence[Outbound], duration_s: float = 0.0) -> None:
        """Count and log delivered records and messages: each once, however often their batch was tried."""
        self.metrics.consumed.labels(self.name).inc(len(batch))
        self.metrics.batch_size.labels(self.name).observe(len(batch))
        dead_letters = 0
        for out in outbound:
            self.metrics.produced.labels(self.name, out.topic).inc()
            if isinstance(out.value, DeadLetter):
                dead_letters += 1
                letter = out.value
                self.metrics.dead_letters.labels(self.name, letter.reason).inc()
                log.warning(
                    "dead_letter",
                    stage=self.name,
                    reason=letter.reason,
                    article_id=letter.article_id,
                    topic=letter.lineage.topic,
                    partition=letter.lineage.partition,
                    offset=letter.lineage.offset,
                )
            else:
                self.hooks.observe(self.name, out.value)
        log.info("batch", stage=self.name, records=len(batch), dead_letters=dead_letters, duration_ms=round(duration_s * 1000, 2))

    def dead_letter(self, item: Inbound, reason: str, detail: str, article_id: str | None, now: datetime | None = None) -> Outbound:
        """The dead letter of `item`: the original's first bytes up to the payload limit, always its size and hash."""
        carried = item.value[: self.max_payload_bytes]
        letter = DeadLetter(
            stage=self.name,
            reason=reason,
            detail=detail,
            article_id=article_id,
            original_key=base64.b64encode(item.key).decode("ascii") if item.key is not None else None,
            original_value=base64.b64encode(carried).decode("ascii"),
            original_size=len(item.value),
            original_sha256=hashlib.sha256(item.value).hexdigest(),
            original_truncated=len(carried) < len(item.value),
            lineage=item.lineage,
            failed_at=now or self.clock(),
        )
        return Outbound(self.topics.for_result(letter), article_id or _fallback_key(item), letter, source=item)

    def refused_output(self, out: Outbound, error: BaseException) -> Outbound:
        """What replaces an output the broker refused for what it is: a dead letter for the input it was made from."""
        detail = f"the broker refused the {out.topic} record ({len(out.encoded_or_empty())} bytes): {type(error).__name__}: {error}"
        return self.dead_letter(out.source or stand_in(out), "output_rejected", detail, out.key)

    def delivered(self) -> None:
        """The outputs of the batches run so far are published and their offsets committed."""
        if isinstance(self.stage, Releasing):
            self.stage.delivered()

    def _call(self, records: list[BaseModel], positions: list[Lineage]) -> list[BaseModel | Rejection]:
        if isinstance(self.stage, Releasing):
            return self.stage.process_at(records, positions)
        return self.stage.process(records)

    def _process(self, records: list[BaseModel], positions: list[Lineage]) -> list[BaseModel | Rejection]:
        if not records:
            return []
        try:
            results = self._call(records, positions)
        except Exception:  # noqa: BLE001 - one bad record must not sink its batch: retry one by one to find it
            return [self._process_one(record, position) for record, position in zip(records, positions, strict=True)]
        if len(results) != len(records):
            raise RuntimeError(f"stage {self.name} returned {len(results)} results for {len(records)} records")
        return results

    def _process_one(self, record: BaseModel, position: Lineage) -> BaseModel | Rejection:
        """Bounded retries with backoff (a shared store may be briefly away), then a dead letter with the reason."""
        for attempt in range(1, self.attempts + 1):
            try:
                [result] = self._call([record], [position])
            except Exception as error:  # noqa: BLE001 - any failure of stage code is retried, then dead-lettered
                log.warning("stage_error", stage=self.name, article_id=getattr(record, "id", None), attempt=attempt, error=repr(error))
                if attempt == self.attempts:
                    return Rejection("processing_error", f"{type(error).__name__}: {error} (after {attempt} attempts)")
                time.sleep(self.retry_backoff_s * 2 ** (attempt - 1))
            else:
                return result
        raise AssertionError("unreachable: the last attempt returns")

    def _route_released(self, result: BaseModel, now: datetime) -> Outbound:
        """An output held in an earlier batch: it already carries the lineage it was consumed at."""
        result = self.hooks.stamp(self.name, result, None, now)
        key = str(getattr(result, "id", ""))
        return self._checked(Outbound(self.topics.for_result(result), key, result), None, key, now)

    def _route(
        self, item: Inbound, record: BaseModel | DecodeError, result: BaseModel | Rejection | DecodeError, now: datetime
    ) -> Outbound | None:
        if isinstance(result, Held):
            return None
        article_id = record.record_id if isinstance(record, DecodeError) else getattr(record, "id", None)
        if isinstance(result, Rejection | DecodeError):
            return self.dead_letter(item, result.reason, result.detail, article_id, now)
        result = self.hooks.stamp(self.name, result, item.lineage, now)
        key = getattr(result, "id", None) or _fallback_key(item)
        topic = self.topics.for_result(result)
        log.debug("routed", stage=self.name, article_id=key, topic=topic, source_offset=item.lineage.offset)
        return self._checked(Outbound(topic, key, result, source=item), item, article_id, now)

    def _checked(self, out: Outbound, item: Inbound | None, article_id: str | None, now: datetime) -> Outbound:
        """The output, or a dead letter for its input when it cannot be published: not JSON, or over the message limit."""
        source = item or stand_in(out)
        try:
            size = len(out.encoded())
        except (ValueError, TypeError) as error:  # a value pydantic cannot write as JSON
            return self.dead_letter(source, "output_unserialisable", f"the {out.topic} record cannot be encoded: {error}", article_id, now)
        if self.max_message_bytes is not None and size > self.max_message_bytes:
            detail = f"the {out.topic} record is {size} bytes, over the message limit of {self.max_message_bytes}"
            return self.dead_letter(source, "output_too_large", detail, article_id, now)
        return out


def stand_in(out: Outbound) -> Inbound:
    """For an output whose input was consumed in an earlier batch (held, then released): the output itself, where it came from."""
    lineage = getattr(out.value, "lineage", None)
    where = lineage if isinstance(lineage, Lineage) else Lineage(topic=out.topic, partition=-1, offset=-1)
    return Inbound(out.key.encode("utf-8"), out.encoded_or_empty(), where)


def _fallback_key(item: Inbound) -> str:
    """Key for a record whose id could not be read: where it came from, so it stays unique and stable."""
    if item.key:
        return item.key.decode("utf-8", errors="replace")
    return f"{item.lineage.topic}/{item.lineage.partition}/{item.lineage.offset}"
