"""`newsflow produce`: publish raw events from a JSON-lines file, keyed by article id, bytes as given."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from services.chassis.access import AUTHORIZATION_ERRORS, AccessDenied, denial
from services.chassis.kafka import make_producer
from services.ids import article_id
from services.messages import RawArticle
from services.ops.local_broker import ensure_bootstrap
from services.settings import Settings
from services.topics import Topics


def raw_key(line: bytes) -> bytes:
    """The key a raw event is published with: its article id, or for a line that is no valid event (it is sent
    anyway, to be dead-lettered) its `id` field, else a hash of its bytes, so that its dead letter can be traced."""
    try:
        data = json.loads(line)
    except ValueError:
        data = None
    try:
        return article_id(RawArticle.model_validate(data)).encode("utf-8")
    except (ValueError, ValidationError, TypeError):
        pass
    given = data.get("id") if isinstance(data, dict) else None
    if isinstance(given, str) and given:
        return given.encode("utf-8")
    return f"content-{hashlib.sha256(line).hexdigest()[:32]}".encode()


async def produce_lines(settings: Settings, bootstrap: str, topic: str, lines: Iterable[bytes]) -> int:
    """Send each non-blank line as one record; wait for every acknowledgement. Returns how many were sent."""
    producer = make_producer(settings, bootstrap)
    await producer.start()
    try:
        pending = [await producer.send(topic, line, key=raw_key(line)) for line in (raw.rstrip(b"\r\n") for raw in lines) if line.strip()]
        for future in pending:
            await future
        return len(pending)
    except AUTHORIZATION_ERRORS as error:
        raise AccessDenied(denial(error, topic_operation="Write"), settings.kafka_sasl_username) from error
    finally:
        await producer.stop()


def cmd_produce(settings: Settings, args: argparse.Namespace) -> int:
    lines = Path(args.file).read_bytes().splitlines()
    bootstrap = ensure_bootstrap(settings)
    topic = Topics(settings.topic_prefix).input_of("clean")
    sent = asyncio.run(produce_lines(settings, bootstrap, topic, lines))
    sys.stdout.write(f"published {sent} events to {topic}\n")
    return 0
