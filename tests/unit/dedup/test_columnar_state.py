"""The columnar state decides as the plain reference store does, through expiry, renumbering, compaction and a crash."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from services.dedup import DedupState
from services.dedup.decision import Admission, Decision, DedupStore, MatchPolicy, Probe
from tests.unit.dedup.reference_state import ReferenceStore

POLICY = MatchPolicy(
    window_seconds=400.0,
    decision_retention_seconds=900.0,
    jaccard_threshold=0.6,
    containment_threshold=0.8,
    bands=16,
    rows=2,
)
PERMUTATIONS = 32


def _stream(seed: int, count: int) -> Iterator[list[Probe]]:
    """Batches of probes: new stories, exact, near and same-URL copies, resends, updates, redeliveries and replays
    of old events, over ~10 windows of time, with origin times that go back and forth."""
    rng = np.random.default_rng(seed)
    seen: list[Probe] = []
    batch: list[Probe] = []
    for index in range(count):
        now = index * 3.0
        origin = now - float(rng.integers(0, 60))
        signature = rng.integers(0, 2**32, size=PERMUTATIONS, dtype=np.uint32)
        shingles = int(rng.integers(40, 400))
        roll = rng.random()
        recent = [probe for probe in seen[-60:] if probe.signature is not None]
        source = recent[int(rng.integers(len(recent)))] if recent else None
        if seen and rng.random() < 0.02:  # a replay of any event so far: past the retention, it is decided afresh
            batch.append(seen[int(rng.integers(len(seen)))])
            continue
        article_id, key = f"a{index}", f"raw/0/{index}"
        content_hash, url = f"{index:032x}", (f"https://site.example/{index}" if rng.random() < 0.5 else None)
        if source is not None and source.signature is not None and roll < 0.6:
            if roll < 0.15:  # an exact copy
                content_hash, signature = str(source.content_hash), source.signature.copy()
            elif roll < 0.35:  # a near copy
                signature = source.signature.copy()
                changed = rng.choice(PERMUTATIONS, size=int(rng.integers(1, 10)), replace=False)
                signature[changed] = rng.integers(0, 2**32, size=changed.size, dtype=np.uint32)
            elif roll < 0.42:  # another body at the same URL
                url = source.canonical_url
            elif roll < 0.5:  # a resend: the same id and body, a new event
                article_id, content_hash, url = source.article_id, str(source.content_hash), source.canonical_url
                signature = source.signature
            elif roll < 0.55:  # an update: the same id, a changed body
                article_id = source.article_id
            else:  # a redelivery of the same event
                batch.append(source)
                continue
        if rng.random() < 0.03:  # a body without words
            content_hash, signature, shingles = None, None, 0  # type: ignore[assignment]
        probe = Probe(article_id, now, origin, key, content_hash, url, signature, shingles)
        seen.append(probe)
        batch.append(probe)
        if len(batch) >= int(rng.integers(1, 12)):
            yield batch
            batch = []
    if batch:
        yield batch


def _decide(
    open_store: Callable[[], DedupStore], batches: Iterator[list[Probe]], *, seed: int, crash_every: int = 0
) -> list[Admission | Decision]:
    """Admit each batch, then settle a random share of the waiting events (everything at the end); with
    `crash_every`, flush and drop the store every so many batches (a kill -9 after a flush) and open it again."""
    rng = np.random.default_rng(seed)
    store = open_store()
    waiting: list[tuple[str, str]] = []
    out: list[Admission | Decision] = []
    for number, batch in enumerate(batches):
        admissions = store.admit(batch, POLICY)
        out.extend(admissions)
        waiting += [(probe.article_id, probe.event_key) for probe, admitted in zip(batch, admissions, strict=True) if not admitted.decision]
        ready = [event for event in waiting if rng.random() < 0.7]
        waiting = [event for event in waiting if event not in ready]
        out.extend(store.settle(ready, POLICY))
        if crash_every and number % crash_every == 0:
            store.flush()
            store = open_store()
    out.extend(store.settle(waiting, POLICY))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_columnar_state_decides_as_the_reference_store(seed: int) -> None:
    state = DedupState.open(None)
    expected = _decide(ReferenceStore, _stream(seed, 1500), seed=seed)
    assert _decide(lambda: state, _stream(seed, 1500), seed=seed) == expected
    kinds = {decision.kind for decision in expected if isinstance(decision, Decision)}
    assert kinds == {"unique", "exact", "near", "url", "resend", "update"}  # the stream exercises every verdict
    assert state.decisions < 600  # rows past the retention were dropped (and the rest renumbered)


def test_a_state_restored_after_a_crash_decides_on_as_the_reference_store(tmp_path: Path) -> None:
    path = tmp_path / "dedup"
    expected = _decide(ReferenceStore, _stream(4, 1500), seed=4)

    def reopen() -> DedupStore:  # flushed by the crashes only; the journal is compacted now and then
        return DedupState.open(path, flush_every=10**6, compact_after=700)

    assert _decide(reopen, _stream(4, 1500), seed=4, crash_every=37) == expected
    assert path.exists()


def test_unflushed_admissions_are_lost_and_flushed_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "dedup"
    state = DedupState.open(path, flush_every=3)
    firsts: dict[str, Probe] = {}
    for batch in _stream(5, 40):
        for probe in batch:
            firsts.setdefault(probe.article_id, probe)
    probes = list(firsts.values())[:5]
    for probe in probes:
        state.admit([probe], POLICY)
    survivor = DedupState.open(path)
    survivor.admit([], POLICY)
    assert survivor.decisions == 3  # the first three were flushed together; the last two were not
