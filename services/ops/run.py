"""`newsflow run` and `newsflow topics create`: the service itself, and the topics it needs."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable
from functools import partial

from prometheus_client import CollectorRegistry

from services.chassis.admin import create_topics, ensure_stage_topics
from services.chassis.kafka import make_broker
from services.chassis.metrics import Metrics
from services.chassis.service import StageService
from services.ops.local_broker import ensure_bootstrap
from services.pipeline import make_runners, open_stages, parse_stage_names
from services.settings import Settings
from services.topics import STAGE_ORDER, Topics

EXIT_NOT_AUTHORIZED = 3


async def _serve_until_signalled(service: StageService, prepare: Callable[[], Awaitable[object]] | None = None) -> int:
    """Serve until SIGINT or SIGTERM (exit 0); exit 1 when fenced by a newer instance, 3 when the broker refuses access."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    waiters = [asyncio.create_task(event.wait()) for event in (stop, service.fenced, service.denied)]
    try:
        # A signal while the service still waits for the broker stops the wait too.
        starting = asyncio.create_task(service.start(prepare))
        await asyncio.wait([starting, waiters[0]], return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            return 0
        starting.result()  # a broker that never answered ends the command here
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        await service.stop()
    if service.denied.is_set():
        return EXIT_NOT_AUTHORIZED
    return 1 if service.fenced.is_set() else 0


def bootstrap_for_service(settings: Settings, *, local_broker: bool) -> str:
    """The configured brokers; the local development broker only when asked for, never silently."""
    if settings.kafka_bootstrap_servers:
        return settings.kafka_bootstrap_servers
    if not local_broker:
        raise ValueError("KAFKA_BOOTSTRAP_SERVERS is not set; set it, or pass --local-broker to start the development broker")
    return ensure_bootstrap(settings)


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    names = parse_stage_names(args.stage or ",".join(STAGE_ORDER))
    bootstrap = bootstrap_for_service(settings, local_broker=args.local_broker)
    topics = Topics(settings.topic_prefix)
    metrics = Metrics(CollectorRegistry())
    with open_stages(names, settings, metrics) as stages:
        runners = make_runners(stages, topics, metrics, settings)
        service = StageService(settings, make_broker(settings, bootstrap), runners, metrics, bootstrap=bootstrap)
        # Topics are made once the broker answers (the service waits for it, with /readyz saying so), and only
        # those these stages read and write: a least-privilege principal can see no others.
        prepare = partial(ensure_stage_topics, settings, bootstrap, topics.needed_by(names))
        return asyncio.run(_serve_until_signalled(service, prepare))


def cmd_topics_create(settings: Settings, _args: argparse.Namespace) -> int:
    bootstrap = ensure_bootstrap(settings)
    topics = Topics(settings.topic_prefix).all()
    created = asyncio.run(create_topics(settings, bootstrap, topics))
    for name in topics:
        sys.stdout.write(f"{'created' if name in created else 'exists '} {name}\n")
    return 0
