"""`newsflow dlq redrive`: re-submit dead letters to the topic they came from, each one at most once.

A compacted ledger topic (`<dlq topic>.redriven`) holds one entry per redriven dead letter, keyed
`<dlq partition>/<dlq offset>`. A redrive reads the whole ledger, then the dead-letter topic up to its
end, and sends each chosen letter's original key and bytes with its ledger entry in one transaction,
so a letter is re-submitted if and only if its ledger entry is written. The producer's transactional
id is fixed per dead-letter topic and is registered before the ledger is read: a second redrive of the
same topic fences the first, whose sends are then aborted, so two redrives never both send a letter.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import structlog
from pydantic import ValidationError

from services.chassis.admin import create_topics
from services.chassis.delivery import Message, TransactionalSink
from services.chassis.history import Record, read_topic
from services.chassis.kafka import IllegalOperation, ProducerFenced
from services.messages import DeadLetter
from services.settings import Settings

log = structlog.get_logger("newsflow.redrive")

LEDGER_SUFFIX = ".redriven"
TRANSACTION_SIZE = 100  # letters per transaction: bounded by the transaction timeout, not by correctness


class RedriveConflictError(RuntimeError):
    """Another redrive of the same dead-letter topic started meanwhile; this one's open transaction was aborted."""


def ledger_key(partition: int, offset: int) -> str:
    """The ledger key of the dead letter at `offset` in `partition` of the dead-letter topic."""
    if partition < 0 or offset < 0:
        raise ValueError(f"no dead letter at partition {partition}, offset {offset}")
    return f"{partition}/{offset}"


def parse_ledger_key(key: str) -> tuple[int, int]:
    partition, sep, offset = key.partition("/")
    if not sep or not partition.isdigit() or not offset.isdigit():
        raise ValueError(f"not a ledger key: {key!r}")
    return int(partition), int(offset)


def ledger_topic(dlq_topic: str) -> str:
    return dlq_topic + LEDGER_SUFFIX


@dataclass(frozen=True)
class RedriveFilter:
    """Which dead letters to redrive; an empty reason set means every reason. `since` inclusive, `until` exclusive."""

    reasons: frozenset[str] = frozenset()
    stage: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def accepts(self, letter: DeadLetter) -> bool:
        failed_at = letter.failed_at if letter.failed_at.tzinfo else letter.failed_at.replace(tzinfo=UTC)
        return (
            (not self.reasons or letter.reason in self.reasons)
            and (self.stage is None or letter.stage == self.stage)
            and (self.since is None or failed_at >= self.since)
            and (self.until is None or failed_at < self.until)
        )


@dataclass(frozen=True)
class Redriven:
    """One dead letter chosen for redrive, and where it goes."""

    key: str  # ledger key
    letter: DeadLetter

    @property
    def target(self) -> str:
        return self.letter.lineage.topic

    def original(self) -> tuple[bytes | None, bytes]:
        key = base64.b64decode(self.letter.original_key) if self.letter.original_key is not None else None
        return key, base64.b64decode(self.letter.original_value)

    def ledger_value(self, now: datetime) -> bytes:
        entry = {
            "redriven_at": now.isoformat(),
            "topic": self.target,
            "reason": self.letter.reason,
            "stage": self.letter.stage,
            "article_id": self.letter.article_id,
            "source": self.letter.lineage.model_dump(),
        }
        return json.dumps(entry, separators=(",", ":")).encode("utf-8")


@dataclass
class RedriveReport:
    dry_run: bool
    redriven: list[Redriven] = field(default_factory=list)
    already_redriven: int = 0
    filtered_out: int = 0
    unreadable: int = 0

    @property
    def by_reason(self) -> Counter[str]:
        return Counter(item.letter.reason for item in self.redriven)

    def lines(self, verbose: bool) -> list[str]:
        verb = "would redrive" if self.dry_run else "redrove"
        out = [f"{verb} {len(self.redriven)} dead letter(s)"]
        out += [f"  {reason}: {count}" for reason, count in sorted(self.by_reason.items())]
        if verbose:
            out += [
                f"  {item.key} {item.letter.reason} {item.letter.stage} -> {item.target}"
                f" (article {item.letter.article_id or '-'}, from offset {item.letter.lineage.partition}/{item.letter.lineage.offset})"
                for item in self.redriven
            ]
        out.append(
            f"skipped: {self.already_redriven} redriven before, {self.filtered_out} not matching the filters, {self.unreadable} unreadable"
        )
        return out


def choose(records: Iterable[tuple[str, bytes]], done: set[str], chosen_by: RedriveFilter, report: RedriveReport) -> list[Redriven]:
    """The dead letters to redrive, from (ledger key, dead-letter bytes) pairs; counts what is skipped on the report."""
    chosen: list[Redriven] = []
    for key, value in records:
        if key in done:
            report.already_redriven += 1
            continue
        try:
            letter = DeadLetter.model_validate_json(value)
        except ValidationError:
            report.unreadable += 1
            log.warning("unreadable_dead_letter", ledger_key=key)
            continue
        if chosen_by.accepts(letter):
            chosen.append(Redriven(key, letter))
        else:
            report.filtered_out += 1
    return chosen


async def redrive(
    settings: Settings,
    bootstrap: str,
    dlq_topic: str,
    chosen_by: RedriveFilter,
    *,
    dry_run: bool = False,
    transactional_id: str | None = None,
) -> RedriveReport:
    """Re-submit the dead letters of `dlq_topic` that `chosen_by` accepts and that were never redriven."""
    ledger = ledger_topic(dlq_topic)
    report = RedriveReport(dry_run=dry_run)
    sink: TransactionalSink | None = None
    if not dry_run:
        await create_topics(settings, bootstrap, [ledger], compacted=True)
        sink = TransactionalSink(settings, bootstrap, transactional_id or f"{settings.group_prefix}.redrive.{dlq_topic}")
        await sink.start()  # registers the transactional id, fencing any other redrive of this topic, before the ledger is read
    try:
        done = {record.key.decode("utf-8") for record in await _read_if_exists(settings, bootstrap, ledger) if record.key}
        letters = [
            (ledger_key(record.partition, record.offset), record.value or b"")
            for record in await read_topic(settings, bootstrap, dlq_topic)
        ]
        report.redriven = choose(letters, done, chosen_by, report)
        if sink is not None:
            for start in range(0, len(report.redriven), TRANSACTION_SIZE):
                try:
                    await _send(sink, ledger, report.redriven[start : start + TRANSACTION_SIZE])
                # A fenced producer fails either way: fenced outright, or with its transaction already torn down.
                except (ProducerFenced, IllegalOperation) as error:
                    sent = report.redriven[:start]
                    report.redriven = sent
                    raise RedriveConflictError(
                        f"another redrive of {dlq_topic} started; this one stopped after {len(sent)} letter(s), the rest are left to it"
                    ) from error
    finally:
        if sink is not None:
            await sink.stop()
    log.info(
        "redrive",
        dlq_topic=dlq_topic,
        dry_run=dry_run,
        redriven=len(report.redriven),
        by_reason=dict(report.by_reason),
        already_redriven=report.already_redriven,
        filtered_out=report.filtered_out,
        unreadable=report.unreadable,
    )
    return report


async def _read_if_exists(settings: Settings, bootstrap: str, topic: str) -> list[Record]:
    try:
        return await read_topic(settings, bootstrap, topic)
    except ValueError:  # a dry run before any redrive: no ledger yet, nothing redriven
        return []


async def _send(sink: TransactionalSink, ledger: str, items: list[Redriven]) -> None:
    now = datetime.now(UTC)
    messages: list[Message] = []
    for item in items:
        key, value = item.original()
        messages += [(item.target, key, value), (ledger, item.key.encode("utf-8"), item.ledger_value(now))]
    await sink.commit(messages)
    for item in items:  # logged once the transaction is committed
        log.info("redriven", ledger_key=item.key, reason=item.letter.reason, topic=item.target, article_id=item.letter.article_id)
