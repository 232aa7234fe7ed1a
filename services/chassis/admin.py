"""Topic and group administration: wait for a broker and its coordinators, create topics, list partitions, read committed offsets."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import structlog
from aiokafka.errors import (
    CoordinatorLoadInProgressError,
    CoordinatorNotAvailableError,
    NotCoordinatorError,
    TopicAlreadyExistsError,
    for_code,
)

from services.chassis.access import AUTHORIZATION_ERRORS, AccessDenied, Denial, denial
from services.chassis.kafka import KafkaError, NewTopic, TopicPartition, make_admin
from services.settings import Settings

log = structlog.get_logger("newsflow.admin")


async def create_topics(settings: Settings, bootstrap: str, names: list[str], *, compacted: bool = False) -> list[str]:
    """Create the topics that do not exist yet (newsflow's partitions, retention and size); return the names created."""
    admin = make_admin(settings, bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in names if name not in existing]
        if missing:
            config = (
                {"cleanup.policy": "compact"}
                if compacted
                else {"retention.ms": str(settings.topic_retention_ms), "max.message.bytes": str(settings.max_message_bytes)}
            )
            response = await admin.create_topics(
                [
                    NewTopic(
                        name,
                        num_partitions=settings.topic_partitions,
                        replication_factor=settings.topic_replication_factor,
                        topic_configs=config,
                    )
                    for name in missing
                ]
            )
            try:
                _raise_first_error(response.topic_errors)
            except AUTHORIZATION_ERRORS as error:
                raise AccessDenied(denial(error, topic_operation="Create"), settings.kafka_sasl_username) from error
        return missing
    finally:
        await admin.close()


async def ensure_stage_topics(settings: Settings, bootstrap: str, needs: dict[str, str]) -> list[str]:
    """Create the topics a stage needs if they are missing and it may; `needs` maps each topic to Read or Write.

    A least-privilege principal sees only topics it has an ACL on and may create none. A topic it cannot see
    and cannot create lacks the ACL the stage needs on it (or does not exist yet), and is reported as such.
    """
    try:
        return await create_topics(settings, bootstrap, list(needs))
    except AccessDenied as refused:
        hidden = refused.denial.names or tuple(needs)
        operation = next((needs[name] for name in hidden if name in needs), "Describe")
        names = tuple(name for name in hidden if needs.get(name, operation) == operation)
        note = "or the topic does not exist: an admin creates topics with `newsflow topics create`"
        raise AccessDenied(Denial(operation, "topic", names, note), settings.kafka_sasl_username) from refused


def _raise_first_error(topic_errors: list[tuple[object, ...]]) -> None:
    """CreateTopics answers per topic; a refusal (not allowed to create, bad config) must not pass as created."""
    for name, code, *_ in topic_errors:
        if isinstance(code, int) and code != 0:
            error = for_code(code)
            if error is not TopicAlreadyExistsError:
                raise error({str(name)})


async def delete_topics(settings: Settings, bootstrap: str, names: list[str]) -> list[str]:
    """Delete those of the topics that exist; return their names."""
    admin = make_admin(settings, bootstrap)
    await admin.start()
    try:
        existing = [name for name in names if name in set(await admin.list_topics())]
        if existing:
            await admin.delete_topics(existing)
        return existing
    finally:
        await admin.close()


async def partitions_of(settings: Settings, bootstrap: str, topic: str) -> list[TopicPartition]:
    """The partitions of `topic`, in order; a ValueError when it does not exist."""
    admin = make_admin(settings, bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if described["error_code"] != 0 or not described["partitions"]:
        raise ValueError(f"topic {topic} does not exist")
    return [TopicPartition(topic, partition["partition"]) for partition in sorted(described["partitions"], key=lambda p: p["partition"])]


async def committed_offsets(
    settings: Settings, bootstrap: str, group: str, partitions: list[TopicPartition]
) -> dict[TopicPartition, tuple[int, str]]:
    """The offsets (and their metadata) `group` committed on `partitions`; partitions with none are left out."""
    admin = make_admin(settings, bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
    finally:
        await admin.close()
    return {tp: (meta.offset, meta.metadata) for tp, meta in committed.items() if meta is not None and meta.offset >= 0}


# What a coordinator answers while its internal topic is being created or loaded.
_COORDINATOR_STARTING = (CoordinatorNotAvailableError, NotCoordinatorError, CoordinatorLoadInProgressError)
_GROUP, _TRANSACTION = 0, 1  # FindCoordinator key types


async def wait_for_coordinators(
    settings: Settings, bootstrap: str, *, groups: list[str], transactional_ids: list[str], deadline_s: float, pause_s: float = 0.5
) -> bool:
    """Return once the broker names a coordinator for every consumer group and transactional id (True), or at the deadline (False).

    On a fresh broker the first such question creates `__consumer_offsets` (or `__transaction_state`), and
    the answer is "not available" until its partitions have a leader; consumers that ask meanwhile log
    errors. Asking here first, quietly, keeps a healthy start-up free of them. A refusal raises `AccessDenied`
    naming the group or transactional id that lacks its ACL; any other error is left to the consumers and
    producers, which report it with its context.
    """
    wanted = [(key, _GROUP) for key in groups] + [(key, _TRANSACTION) for key in transactional_ids]
    started = time.monotonic()
    admin = make_admin(settings, bootstrap)
    try:
        await admin.start()
        while wanted:
            key, kind = wanted[0]
            try:
                await admin.find_coordinator(key, kind)
            except _COORDINATOR_STARTING:
                if time.monotonic() - started >= deadline_s:
                    log.info("coordinator_wait_gave_up", waited_s=round(time.monotonic() - started, 1), key=key)
                    return False
                await asyncio.sleep(pause_s)
                continue
            except AUTHORIZATION_ERRORS as error:
                # FindCoordinator needs Describe on the group or transactional id, which the stage's Read or Write implies.
                refused = denial(error, topic_operation="Read")
                raise AccessDenied(replace(refused, names=(key,)), settings.kafka_sasl_username) from error
            except KafkaError:
                pass  # not a start-up state: the client that needs this coordinator reports it
            wanted.pop(0)
    except AccessDenied:
        raise
    except KafkaError:
        return False
    finally:
        await admin.close()
    return True


class BrokerUnreachableError(RuntimeError):
    """No broker answered within the deadline."""


async def wait_for_broker(
    settings: Settings, bootstrap: str, *, deadline_s: float, backoff_s: float = 1.0, backoff_max_s: float = 10.0
) -> None:
    """Return once a broker answers a metadata request; retry with a growing pause, one log line per attempt, until the deadline."""
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        admin = make_admin(settings, bootstrap)
        try:
            await admin.start()
            await admin.list_topics()
        except KafkaError as error:
            waited = time.monotonic() - started
            if waited >= deadline_s:
                raise BrokerUnreachableError(f"no Kafka broker answered at {bootstrap} within {deadline_s:.0f}s ({error})") from error
            pause = min(backoff_max_s, backoff_s * 2 ** (attempt - 1), max(0.0, deadline_s - waited))
            log.warning("broker_wait", bootstrap=bootstrap, attempt=attempt, retry_in_s=round(pause, 1), error=str(error))
            await asyncio.sleep(pause)
        else:
            if attempt > 1:
                log.info("broker_reached", bootstrap=bootstrap, attempts=attempt)
            return
        finally:
            await admin.close()
