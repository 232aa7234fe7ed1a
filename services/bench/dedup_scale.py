"""`newsflow bench-dedup`: a week of a real feed's volume in the dedup state, embedded and in Redis with several instances.

Not a test and not part of `newsflow bench`: at 200,000 articles a day for 7 days it fills 1.4 million
articles and takes minutes. The feed is synthetic fingerprints (services/bench/dedup_stream.py), so
what is timed is the state (admit + settle, journal, Redis), not MinHash; `fingerprints_per_s` gives
the text side, measured on real bodies.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import redis

from services.bench.dedup_stream import Feed, FeedSpec
from services.bench.processes import free_port
from services.dedup.decision import DedupStore, MatchPolicy, Probe
from services.dedup.journal import Journal
from services.dedup.redis_state import RedisDedupState
from services.dedup.stage import DedupStage
from services.dedup.state import DedupState
from services.messages import CleanArticle

BATCH = 256  # the stage's default batch
Figures = dict[str, Any]


def _held_bytes() -> int:
    """Resident memory once garbage is collected and the C heap has handed its free pages back (glibc's malloc_trim):
    what the process holds, not what it freed while loading (numpy temporaries under 32 MB live in the heap)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return _rss_bytes()


def _rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _decide(store: DedupStore, batch: list[Probe], policy: MatchPolicy) -> None:
    store.admit(batch, policy)
    store.settle([(probe.article_id, probe.event_key) for probe in batch], policy)


def _percentiles(seconds: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(seconds, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


def _timed(store: DedupStore, feed: Feed, policy: MatchPolicy, count: int, *, flush: Callable[[], None]) -> tuple[float, float]:
    """Decisions per second over `count` articles in batches, flushing per batch as the chassis does: per wall
    second, and per CPU second of this process (what one instance with a core of its own would do; the wall
    figure also counts waiting for the disk, for Redis and for a busy machine's CPU). The synthetic feed is
    made before the clock starts: what is timed is the state."""
    batches = list(feed.batches(count, BATCH))
    started, cpu = time.perf_counter(), time.process_time()
    for batch in batches:
        _decide(store, batch, policy)
        flush()
    return count / (time.perf_counter() - started), count / max(1e-9, time.process_time() - cpu)


def _latencies(store: DedupStore, feed: Feed, policy: MatchPolicy, count: int) -> list[float]:
    """Seconds per decision of one article at a time (admit + settle)."""
    seconds = []
    for batch in list(feed.batches(count, 1)):
        started = time.perf_counter()
        _decide(store, batch, policy)
        seconds.append(time.perf_counter() - started)
    return seconds


def decide_week(spec: FeedSpec, path: Path) -> float:
    """Decide a week of the feed into a state persisted at `path` (one snapshot at the end); decisions per CPU second.

    Every article is admitted and settled as the stage does, in batches, against the growing state.
    """
    state = DedupState(Journal(path, flush_every=spec.articles + 1, compact_after=spec.articles + 1))  # no journal: one snapshot
    policy = DedupStage(DedupState.open(None)).policy
    feed = Feed(spec)
    cpu = 0.0
    for batch in feed.batches(spec.articles, BATCH):
        started = time.process_time()
        _decide(state, batch, policy)
        cpu += time.process_time() - started
    state.close()
    return spec.articles / max(1e-9, cpu)


def _live_feed(spec: FeedSpec, name: str) -> Feed:
    """New articles fetched right after the week, with ids of their own."""
    feed = Feed(replace(spec, seed=spec.seed + len(name)), prefix=f"{name}-")
    feed.index = spec.articles
    return feed


def _open_and_decide_one(path: Path, feed: Feed, policy: MatchPolicy) -> DedupState:
    state = DedupState.open(path)
    for batch in feed.batches(1, 1):  # the first decision builds the LSH table: part of being ready
        _decide(state, batch, policy)
    return state


def _embedded_child(spec: FeedSpec, path: Path, sample: int, conn: Connection) -> None:
    """Restore the week, decide against it, compact, leave a journal, report, then wait to be killed (-9) by the parent."""
    policy = DedupStage(DedupState.open(None)).policy
    feed = _live_feed(spec, "live")
    before = _held_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    state = _open_and_decide_one(path, feed, policy)
    restore_s, restore_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    held = _held_bytes() - before
    per_s, per_cpu_s = _timed(state, feed, policy, sample, flush=state.flush)
    p50, p99 = _percentiles(_latencies(state, feed, policy, min(sample, 5000)))
    journal = state.journal
    if journal is None:
        raise RuntimeError("the bench's state has no journal")
    started, cpu = time.perf_counter(), time.process_time()
    state.compact()
    compaction_s, compaction_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    snapshot_bytes = journal.size_bytes
    _timed(state, feed, policy, sample, flush=state.flush)  # a journal on top of the snapshot, as after a day's run
    conn.send(
        {
            "articles_in_state": state.decisions,
            "fingerprints_in_window": state.fingerprints,
            "restore_from_snapshot_s": round(restore_s, 1),
            "restore_from_snapshot_cpu_s": round(restore_cpu_s, 1),
            "bytes_per_article": round(held / max(1, state.decisions)),
            "decisions_per_s": round(per_s),
            "decisions_per_cpu_s": round(per_cpu_s),
            "decision_p50_ms": round(p50, 3),
            "decision_p99_ms": round(p99, 3),
            "snapshot_mb": round(snapshot_bytes / 2**20, 1),
            "compaction_s": round(compaction_s, 1),
            "compaction_cpu_s": round(compaction_cpu_s, 1),
            "state_files_mb_at_kill": round(journal.size_bytes / 2**20, 1),
            "journal_lines_at_kill": sample,
        }
    )
    conn.recv()  # never answered: the parent kills this process


def embedded(spec: FeedSpec, work: Path, sample: int) -> Figures:
    """The in-process state, persisted: a week restored in a child that decides, compacts, journals and is killed -9."""
    path = work / "dedup"
    started = time.perf_counter()
    week_per_cpu_s = decide_week(spec, path)
    decided_s = time.perf_counter() - started
    gc.collect()
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(target=_embedded_child, args=(spec, path, sample, child))
    process.start()
    figures: Figures = {"week_decided_s": round(decided_s, 1), "week_decisions_per_cpu_s": round(week_per_cpu_s), **parent.recv()}
    os.kill(process.pid or 0, signal.SIGKILL)
    process.join()
    policy = DedupStage(DedupState.open(None)).policy
    started, cpu = time.perf_counter(), time.process_time()
    state = _open_and_decide_one(path, _live_feed(spec, "after-kill"), policy)
    figures["restore_after_kill9_s"] = round(time.perf_counter() - started, 1)
    figures["restore_after_kill9_cpu_s"] = round(time.process_time() - cpu, 1)
    figures["load_average"] = os.getloadavg()[0]
    figures["articles_restored"] = state.decisions
    return figures


def _start_redis(work: Path) -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server): the Redis figures need it")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(work)]
    command += ["--hash-max-listpack-entries", "512"]  # the band buckets stay compact (see redis_state.py)
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603 - redis-server from PATH
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
        except redis.ConnectionError:
            time.sleep(0.05)
        else:
            return server, port
    server.terminate()
    raise RuntimeError(f"redis-server did not answer on port {port}")


def _commands(client: redis.Redis) -> int:
    stats: dict[str, dict[str, int]] = client.info("commandstats")
    return sum(int(entry["calls"]) for name, entry in stats.items() if name not in ("cmdstat_info", "cmdstat_ping"))


def _server_cpu(client: redis.Redis) -> float:
    cpu: dict[str, float] = client.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def _redis_instance(
    spec: FeedSpec, port: int, *, namespace: str, instance: int, instances: int, sample: int, barrier: Barrier, conn: Connection
) -> None:
    """One dedup instance: its share of the feed (every `instances`-th batch, as partitions), then the timed segment."""
    store = RedisDedupState.open(f"redis://127.0.0.1:{port}/0", namespace=namespace)
    policy = DedupStage(DedupState.open(None)).policy
    feed = Feed(spec)
    for number, batch in enumerate(feed.batches(spec.articles, BATCH)):
        if number % instances == instance:
            _decide(store, batch, policy)
    barrier.wait()
    mine = Feed(FeedSpec(**{**asdict(spec), "seed": spec.seed + 1 + instance}), prefix=f"i{instance}-")
    mine.index = spec.articles  # ids of its own, fetched right after the fill
    barrier.wait()
    per_s, per_cpu_s = _timed(store, mine, policy, sample, flush=store.flush)
    barrier.wait()
    p50, p99 = _percentiles(_latencies(store, mine, policy, min(sample, 3000)))
    conn.send(
        {
            "decisions_per_s": round(per_s),
            "client_cpu_s_per_decision_us": round(1e6 / per_cpu_s),
            "decision_p50_ms": round(p50, 3),
            "decision_p99_ms": round(p99, 3),
        }
    )
    conn.recv()


def redis_shared(spec: FeedSpec, work: Path, sample: int, instances: int) -> Figures:
    """`instances` dedup processes sharing one Redis (started here on a free port), filled to the week, then timed."""
    server, port = _start_redis(work)
    client = redis.Redis(port=port)
    namespace = "bench"
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(instances + 1)
    pipes = [context.Pipe() for _ in range(instances)]
    processes = [
        context.Process(
            target=_redis_instance,
            args=(spec, port),
            kwargs={
                "namespace": namespace,
                "instance": number,
                "instances": instances,
                "sample": sample,
                "barrier": barrier,
                "conn": child,
            },
        )
        for number, (_, child) in enumerate(pipes)
    ]
    try:
        memory_before = int(client.info("memory")["used_memory"])
        started = time.perf_counter()
        for process in processes:
            process.start()
        barrier.wait()  # filled
        fill_s = time.perf_counter() - started
        memory = int(client.info("memory")["used_memory"]) - memory_before
        commands_before, cpu_before = _commands(client), _server_cpu(client)
        barrier.wait()  # timed segment starts
        barrier.wait()  # timed segment done
        commands, server_cpu = _commands(client) - commands_before, _server_cpu(client) - cpu_before
        per_instance = [parent.recv() for parent, _ in pipes]
        os.kill(processes[0].pid or 0, signal.SIGKILL)  # an instance dies; its replacement has nothing to load
        started = time.perf_counter()
        replacement = RedisDedupState.open(f"redis://127.0.0.1:{port}/0", namespace=namespace)
        feed = Feed(FeedSpec(**{**asdict(spec), "seed": spec.seed + 99}), prefix="replacement-")
        feed.index = spec.articles + sample
        policy = DedupStage(DedupState.open(None)).policy
        for batch in feed.batches(1, 1):
            _decide(replacement, batch, policy)
        restore_s = time.perf_counter() - started
        replacement.close()
        articles = int(client.hlen(f"{{{namespace}}}:articles"))
        return {
            "instances": instances,
            "articles_in_state": articles,
            "fill_s": round(fill_s, 1),
            "bytes_per_article": round(memory / max(1, articles)),
            "decisions_per_s_per_instance": [entry["decisions_per_s"] for entry in per_instance],
            "decision_p50_ms": [entry["decision_p50_ms"] for entry in per_instance],
            "decision_p99_ms": [entry["decision_p99_ms"] for entry in per_instance],
            "redis_commands_per_decision": round(commands / (instances * sample), 1),
            "redis_cpu_us_per_decision": round(server_cpu / (instances * sample) * 1e6),
            "round_trips_per_batch": 2,
            "restore_after_kill9_s": round(restore_s, 3),
        }
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()
        client.close()
        server.terminate()
        server.wait(timeout=30)


def fingerprints_per_s(texts: list[str]) -> float:
    """MinHash fingerprints per second of real bodies (the stage's other cost per article), one core."""
    stage = DedupStage(DedupState.open(None))
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    articles = [
        CleanArticle(id=f"t{index}", fetched_at=fetched, body=text, word_count=len(text.split()), removed_chars=0)
        for index, text in enumerate(texts)
    ]
    started = time.perf_counter()
    for article in articles:
        stage.probe(article)
    return len(articles) / (time.perf_counter() - started)


def run(spec: FeedSpec, *, sample: int, instances: int, redis: bool, texts: list[str], redis_days: float | None = None) -> Figures:
    """Every figure of the scale bench; Redis is filled by deciding, over `redis_days` (default: the whole window)."""
    with tempfile.TemporaryDirectory(prefix="newsflow-dedup-scale-") as work:
        figures: Figures = {"feed": {**asdict(spec), "articles": spec.articles}, "batch": BATCH, "timed_articles": sample}
        if texts:
            figures["fingerprints_per_s"] = round(fingerprints_per_s(texts))
        figures["embedded"] = embedded(spec, Path(work), sample)
        if redis:
            redis_spec = spec if redis_days is None else replace(spec, days=redis_days)
            figures["redis"] = redis_shared(redis_spec, Path(work), sample, instances)
        return figures


def render(figures: Figures) -> str:
    """The figures as a short table, with the targets they are held against."""
    feed = figures["feed"]
    lines = [
        f"dedup at scale: {feed['articles']:,} articles ({feed['per_day']:,}/day x {feed['days']:g} days; copies: "
        f"{feed['exact_share']:.0%} exact, {feed['near_share']:.0%} near, {feed['url_share']:.0%} same URL), batches of {figures['batch']}",
    ]
    if "fingerprints_per_s" in figures:
        lines.append(f"MinHash fingerprints of real bodies: {figures['fingerprints_per_s']:,}/s (one core)")
    e = figures["embedded"]
    lines += [
        f"embedded state (persisted, one instance): the week decided in {e['week_decided_s']:,} s, "
        f"{e['week_decisions_per_cpu_s']:,} decisions per CPU second",
        f"  articles in state {e['articles_in_state']:,}; memory {e['bytes_per_article']:,} B/article (target <= 1,024); "
        f"restore from the snapshot {e['restore_from_snapshot_s']} s ({e['restore_from_snapshot_cpu_s']} s CPU)",
        f"  decisions {e['decisions_per_s']:,}/s, {e['decisions_per_cpu_s']:,} per CPU second (target >= 2,000); "
        f"p50 {e['decision_p50_ms']} ms, p99 {e['decision_p99_ms']} ms",
        f"  snapshot {e['snapshot_mb']} MB, compaction {e['compaction_s']} s ({e['compaction_cpu_s']} s CPU); "
        f"files at kill -9 {e['state_files_mb_at_kill']} MB",
        f"  restore after kill -9 {e['restore_after_kill9_s']} s ({e['restore_after_kill9_cpu_s']} s CPU; target <= 30) "
        f"for {e['articles_restored']:,} articles; load average {e['load_average']:.1f}",
    ]
    if "redis" in figures:
        r = figures["redis"]
        lines += [
            f"Redis, {r['instances']} instances sharing one server, filled by deciding {r['articles_in_state']:,} articles:",
            f"  memory {r['bytes_per_article']:,} B/article (target <= 1,024); fill {r['fill_s']} s",
            f"  decisions/s per instance {r['decisions_per_s_per_instance']} (target >= 2,000); "
            f"p50 ms {r['decision_p50_ms']}, p99 ms {r['decision_p99_ms']}",
            f"  Redis CPU {r['redis_cpu_us_per_decision']} us per decision (one server thread: at most "
            f"{1e6 / max(1, r['redis_cpu_us_per_decision']):,.0f} decisions/s for all instances together)",
            f"  Redis commands per decision {r['redis_commands_per_decision']} "
            f"(2 script calls; {r['round_trips_per_batch']} round trips a batch)",
            f"  instance restore after kill -9 {r['restore_after_kill9_s']} s (the state is in Redis: nothing to load)",
        ]
    return "\n".join(lines)
