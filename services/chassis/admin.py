"""Topic administration: create newsflow's topics, idempotently."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from services.chassis.access import AUTHORIZATION_ERRORS, AccessDenied, Denial, denial
from services.chassis.connection import aiokafka_options, max_message_bytes
from services.settings import Settings


async def create_topics(settings: Settings, bootstrap: str, names: list[str]) -> list[str]:
    """Create the topics that do not exist yet; return the names that were created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="newsflow-admin", **aiokafka_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in names if name not in existing]
        if missing:
            config = {"retention.ms": str(settings.topic_retention_ms), "max.message.bytes": str(max_message_bytes(settings))}
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
