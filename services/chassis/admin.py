"""Topic administration: create newsflow's topics, idempotently."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

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
            await admin.create_topics(
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
        return missing
    finally:
        await admin.close()
