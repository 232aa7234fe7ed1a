"""Builds the stages a process runs, opening the resources they hold and closing them at the end."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

import structlog

from services import topology
from services.article_hooks import ArticleHooks, fingerprints_gauge, held_gauge
from services.chassis.metrics import Metrics
from services.chassis.pool import PooledStage
from services.chassis.runner import StageRunner
from services.messages import UniqueArticle
from services.settings import Settings
from services.stage import Stage
from services.topics import STAGE_ORDER, Topics

if TYPE_CHECKING:
    from services.dedup import DedupStage, DedupState
    from services.dedup.decision import DedupStore

# Each stage's package is imported when that stage is opened: a dedup process loads neither trafilatura nor spaCy,
# and a command that fails on its arguments loads none of them.

log = structlog.get_logger("newsflow.pipeline")


def parse_stage_names(spec: str) -> list[str]:
    """`clean,dedup` -> ["clean", "dedup"], in pipeline order; unknown names are an error naming them."""
    names = [name.strip() for name in spec.split(",") if name.strip()]
    unknown = sorted(set(names) - set(STAGE_ORDER))
    if unknown or not names:
        raise ValueError(f"unknown stage(s) {unknown or names}; choose from {', '.join(STAGE_ORDER)}")
    return [name for name in STAGE_ORDER if name in names]


def make_runners(stages: Sequence[Stage[Any]], topics: Topics, metrics: Metrics, settings: Settings) -> list[StageRunner]:
    """A runner per stage, for every command that runs stages; raw keys are required only if configured.

    Call it once per registry: the article metrics are declared on `metrics.registry` here.
    """
    hooks = ArticleHooks.on(metrics.registry)
    return [
        StageRunner(
            stage,
            topics,
            metrics,
            settings.max_payload_bytes,
            require_key=settings.require_raw_key or topology.stage(stage.name).keyed_input,
            attempts=settings.stage_attempts,
            hooks=hooks,
            max_message_bytes=settings.max_message_bytes,
        )
        for stage in stages
    ]


def _fingerprints(state: DedupState) -> float:
    return float(state.fingerprints)


def _open_tagger(settings: Settings, resources: ExitStack) -> Stage[Any]:
    """The tagger in this process, or in worker processes that each load the models once (only the configured languages')."""
    from services.tag import TagStage  # noqa: PLC0415 - see the note on imports above
    from services.tag.languages import load_backends  # noqa: PLC0415
    from services.tag.worker import init_worker, process_batch  # noqa: PLC0415

    languages = tuple(settings.tag_languages)
    if settings.tag_workers == 0:
        return TagStage(load_backends(languages))
    pooled = PooledStage("tag", UniqueArticle, process_batch, workers=settings.tag_workers, initializer=init_worker, initargs=(languages,))
    resources.callback(pooled.close)
    pooled.warm_up()
    return pooled


def _open_dedup_state(settings: Settings, resources: ExitStack, metrics: Metrics | None, *, read_only: bool = False) -> DedupStore:
    """Redis when configured (instances share it), else in-process state persisted to a file (`read_only`: loaded, never written)."""
    from services.dedup import DedupState  # noqa: PLC0415 - see the note on imports above
    from services.dedup.redis_state import RedisDedupState  # noqa: PLC0415

    if settings.redis_url is not None:
        shared = RedisDedupState.open(settings.redis_url.get_secret_value())
        resources.callback(shared.close)
        return shared
    state = DedupState.open(settings.dedup_state_path, read_only=read_only)
    resources.callback(state.close)
    if metrics is not None:
        fingerprints_gauge(metrics.registry).set_function(partial(_fingerprints, state))
    return state


def _held(stage: DedupStage) -> float:
    return float(stage.held)


def _open_dedup(settings: Settings, resources: ExitStack, metrics: Metrics | None, *, replay: bool) -> DedupStage:
    """The dedup stage; the verdicts it holds are journalled beside the state file (per instance, also with Redis).

    A replay reads the live state without writing its files, and holds verdicts in memory until its end.
    """
    from services.dedup import DedupStage  # noqa: PLC0415 - see the note on imports above

    state_path = settings.dedup_state_path
    hold_path = None if state_path is None or replay else state_path.with_name(state_path.name + ".held")
    state = _open_dedup_state(settings, resources, metrics, read_only=replay)
    stage = DedupStage(state, window=settings.dedup_window, grace=settings.dedup_grace, hold_path=hold_path)
    if metrics is not None:
        held_gauge(metrics.registry).set_function(partial(_held, stage))
    return stage


@contextmanager
def open_stages(
    names: Sequence[str], settings: Settings, metrics: Metrics | None = None, *, replay: bool = False
) -> Iterator[list[Stage[Any]]]:
    """The stages named, in pipeline order, with their state opened; state is persisted and closed on exit.

    `replay`: dedup uses the live decisions read-only (its files are the running service's).
    """
    with ExitStack() as resources:
        stages: list[Stage[Any]] = []
        for name in names:
            if name == "clean":
                from services.clean import CleanStage  # noqa: PLC0415 - see the note on imports above

                stages.append(CleanStage())
            elif name == "dedup":
                stages.append(_open_dedup(settings, resources, metrics, replay=replay))
            elif name == "tag":
                stages.append(_open_tagger(settings, resources))
            log.info("stage_ready", stage=name)
        yield stages
