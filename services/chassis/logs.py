"""structlog, configured once: JSON lines when not on a terminal, readable lines on one; library logs the same way.

Libraries (aiokafka above all) log through the standard library. Their records go through the same
renderer as newsflow's own, so the stream stays JSON, and repeats of one message are coalesced: while a
broker is away aiokafka writes the same error for every reconnect attempt, many a second.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import structlog

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


@dataclass
class _Window:
    opened: float
    suppressed: int = 0


class Coalesce(logging.Filter):
    """Lets the first record of each kind (logger, level, message template) through per interval, and drops the rest.

    The first record after an interval with drops carries `repeated`: how many like it were dropped.
    """

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._interval_s = interval_s
        self._clock = clock
        self._windows: dict[tuple[str, int, str], _Window] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if self._interval_s <= 0:
            return True
        # The template, not the formatted text: "Unable to connect to node %s" is one kind whatever the node.
        key = (record.name, record.levelno, str(record.msg))
        now = self._clock()
        window = self._windows.get(key)
        if window is not None and now - window.opened < self._interval_s:
            window.suppressed += 1
            return False
        if window is not None and window.suppressed:
            record.repeated = window.suppressed
        self._windows[key] = _Window(now)
        return True


def configure_logging(fmt: Literal["auto", "json", "console"], level: str, *, coalesce_s: float = 30.0) -> None:
    """Set up structlog for the process, and the standard library's root logger (libraries, at WARNING) to match."""
    as_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    shared: list[structlog.types.Processor] = [
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, *shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(_LEVELS[level]),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name, structlog.stdlib.ExtraAdder(allow=("repeated",))],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    handler.addFilter(Coalesce(coalesce_s))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(max(logging.WARNING, _LEVELS[level]))
