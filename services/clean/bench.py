"""Throughput of the clean stage on the dev pages, one core (not a test: `newsflow bench` runs it)."""

from __future__ import annotations

import time
from pathlib import Path

from services.clean.stage import CleanStage
from services.eval.extraction import extraction_dir, html_events, text_events
from services.messages import RawArticle


def _pages_per_second(raws: list[RawArticle], repeat: int) -> float:
    """Best of `repeat` passes, in CPU seconds of this process: on a shared machine, wall time
    would also count other processes' work.

    A fresh stage per pass, so each pass sees every page once, as a stream would (site memory
    included in the cost).
    """
    best = float("inf")
    for _ in range(repeat):
        stage = CleanStage()
        started = time.process_time()
        stage.process(raws)
        best = min(best, time.process_time() - started)
    return len(raws) / best if best > 0 else 0.0


def measure_throughput(data_dir: Path, *, repeat: int = 3) -> dict[str, float]:
    """Pages per second for HTML input and for flattened-text input, in this process (one core).

    `data_dir` is the data folder or its extraction-dev folder.
    """
    pages = extraction_dir(data_dir)
    html = [raw for raw, _ in html_events(pages)]
    text = [raw for raw, _ in text_events(pages)]
    CleanStage(site_learning=False).process(html[:2] + text[:2])  # warm up imports and caches
    return {"html_pages_per_s": _pages_per_second(html, repeat), "text_pages_per_s": _pages_per_second(text, repeat)}
