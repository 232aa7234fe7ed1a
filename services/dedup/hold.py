"""Events whose verdict waits until the watermark passes their origin time plus the grace.

The watermark is the latest `fetched_at` this instance has consumed. A waiting event is released
in order of origin time, so a story's earliest member is settled before its later ones, whatever
the order they arrived in.

Durability, with the offsets committed in the same transaction as the outputs: an event still
waiting when its batch is delivered has its offset committed without a verdict published, so it is
written to a journal beside the state (`<state path>.held`, with the article) before the commit.
A released event stays in the journal until the batch carrying its verdict is delivered
(`confirm`): a batch that fails or a kill -9 before then releases it again, and the state settles
it to the same verdict. The one window left is a kill -9 between the broker's commit and the
journal's next fsync: those verdicts are published once more, identical, which a consumer that
upserts by (id, revision) absorbs.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from services.dedup.journal import append_durably, replace_durably
from services.messages import CleanArticle


@dataclass(order=True)
class Waiting:
    """One event waiting for its verdict; ordered by when it may be released."""

    release_after: float
    article_id: str
    sequence: int
    event_key: str = field(compare=False)
    article: CleanArticle = field(compare=False)  # lineage: the position it was consumed at
    journalled: bool = field(default=False, compare=False)
    output: BaseModel | None = field(default=None, compare=False)  # once settled: published again if its batch fails


class HoldBuffer:
    """The waiting events of one stage instance, optionally journalled to a file."""

    def __init__(self, grace_seconds: float, path: Path | None = None) -> None:
        if grace_seconds < 0:
            raise ValueError(f"the grace must not be negative, got {grace_seconds} s")
        self.grace_seconds = grace_seconds
        self._path = path
        self._waiting: list[Waiting] = []
        self._released: list[Waiting] = []  # released, verdict not yet delivered
        self._keys: set[tuple[str, str]] = set()
        self._sequence = 0
        self.watermark = float("-inf")
        self._lines_written = 0
        if path is not None and path.exists():
            self._load(path)

    def __len__(self) -> int:
        return len(self._waiting) + len(self._released)

    def observe(self, fetched_at: float) -> None:
        self.watermark = max(self.watermark, fetched_at)

    def hold(self, article_id: str, event_key: str, release_after: float, article: CleanArticle) -> None:
        """Keep an event until it is due; an event already kept (a redelivery) is kept once."""
        if (article_id, event_key) in self._keys:
            return
        self._keys.add((article_id, event_key))
        heapq.heappush(self._waiting, Waiting(release_after, article_id, self._sequence, event_key, article))
        self._sequence += 1

    def due(self, *, drain: bool = False) -> list[Waiting]:
        """Released events whose verdict is not delivered yet, then those now due (all of them when draining), in order."""
        while self._waiting and (drain or self._waiting[0].release_after + self.grace_seconds <= self.watermark):
            self._released.append(heapq.heappop(self._waiting))
        return list(self._released)

    def confirm(self) -> None:
        """The released verdicts were delivered: forget them."""
        if not self._released:
            return
        done = [json.dumps({"done": [item.article_id, item.event_key]}) for item in self._released]
        for item in self._released:
            self._keys.discard((item.article_id, item.event_key))
        self._released.clear()
        self._write(done)

    def checkpoint(self) -> None:
        """Journal the events not journalled yet and the watermark, fsynced (before the batch's offsets are committed)."""
        if self._path is None:
            return
        fresh = [item for item in self._waiting if not item.journalled]
        if self._lines_written > max(10_000, 4 * len(self)):
            self._rewrite()
            return
        lines = [_held_line(item) for item in fresh]
        if lines:
            lines.append(json.dumps({"watermark": self.watermark}))
        self._write(lines)
        for item in fresh:
            item.journalled = True

    def _write(self, lines: list[str]) -> None:
        if self._path is None or not lines:
            return
        append_durably(self._path, lines)
        self._lines_written += len(lines)

    def _rewrite(self) -> None:
        """Replace the journal by the events still kept (temp file, fsync, rename)."""
        if self._path is None:
            return
        kept = [*self._released, *self._waiting]
        replace_durably(self._path, [*(_held_line(item) for item in kept), json.dumps({"watermark": self.watermark})])
        for item in kept:
            item.journalled = True
        self._lines_written = len(kept) + 1

    def _load(self, path: Path) -> None:
        kept: dict[tuple[str, str], Waiting] = {}
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.endswith("\n"):
                    break  # cut short by a crash
                data = json.loads(line)
                self._lines_written += 1
                if "watermark" in data:
                    self.watermark = max(self.watermark, float(data["watermark"]))
                elif "done" in data:
                    kept.pop((data["done"][0], data["done"][1]), None)
                else:
                    article = CleanArticle.model_validate_json(data["article"])
                    kept[(article.id, data["key"])] = Waiting(float(data["after"]), article.id, 0, data["key"], article, journalled=True)
        for item in kept.values():  # released but unconfirmed ones wait again: they are due at once
            item.sequence = self._sequence
            self._sequence += 1
            self._keys.add((item.article_id, item.event_key))
            heapq.heappush(self._waiting, item)


def _held_line(item: Waiting) -> str:
    return json.dumps({"key": item.event_key, "after": item.release_after, "article": item.article.model_dump_json()})
