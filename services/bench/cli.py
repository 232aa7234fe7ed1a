"""`newsflow bench`: every stage against its bare limits, measured side by side in one run (its options are in services.cli)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from services.bench.corpus import CorpusSpec
from services.bench.report import render, summarise, write_json
from services.bench.suite import TARGETS, Plan, run_bench
from services.chassis.logs import configure_logging
from services.ops.local_broker import ensure_bootstrap
from services.settings import Settings

QUICK = {"articles": 300, "tag_articles": 60, "latency_seconds": 5.0}


def parse_targets(spec: str) -> tuple[str, ...]:
    """`clean,tag` -> ("clean", "tag") in bench order; unknown names are an error naming them."""
    names = [name.strip() for name in spec.split(",") if name.strip()]
    unknown = sorted(set(names) - set(TARGETS))
    if unknown or not names:
        raise ValueError(f"unknown --stages {unknown or names}; choose from {', '.join(TARGETS)}")
    return tuple(name for name in TARGETS if name in names)


def plan_from(args: argparse.Namespace) -> Plan:
    quick = QUICK if args.quick else {}
    articles = args.articles or int(quick.get("articles", 1500))
    return Plan(
        targets=parse_targets(args.stages or ",".join(TARGETS)),
        corpus=CorpusSpec(articles=articles, duplicate_share=args.duplicate_share, html_share=args.html_share, seed=args.seed),
        tag_articles=min(articles, args.tag_articles or int(quick.get("tag_articles", 300))),
        transport=not args.skip_transport,
        scaling=not args.quick,
        delivery_cost=True,
        latency_seconds=args.latency_seconds if args.latency_seconds is not None else float(quick.get("latency_seconds", 15.0)),
        load_fraction=args.load,
        keep_topics=args.keep_topics,
    )


def cmd_bench(settings: Settings, args: argparse.Namespace) -> int:
    # Per-batch lines and the corpus's expected dead letters would drown the bench's own output.
    configure_logging(settings.log_format, "error")
    plan = plan_from(args)
    bootstrap = ensure_bootstrap(settings)
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as work:
        work_dir = Path(args.work_dir) if args.work_dir else Path(work)
        work_dir.mkdir(parents=True, exist_ok=True)
        report = asyncio.run(
            run_bench(plan, settings, bootstrap, data_dir=Path(args.data), seeds_dir=Path(args.seeds), work_dir=work_dir, out=sys.stderr)
        )
    summary = summarise(report)
    write_json(summary, Path(args.json))
    sys.stdout.write(render(summary) + "\n")
    sys.stdout.write(f"figures written to {args.json}\n")
    return 0


def cmd_bench_security(settings: Settings, args: argparse.Namespace) -> int:
    from services.bench.security import SecurityPlan, render, run_security_bench  # noqa: PLC0415 - only this command needs it
    from services.ops.local_broker import start_secured_local_kafka  # noqa: PLC0415 - only this command needs it

    configure_logging(settings.log_format, "error")
    plaintext = ensure_bootstrap(settings)
    secured, already_running = start_secured_local_kafka(args.secured_port)
    plan = SecurityPlan(articles=args.articles, tag_articles=min(args.articles, args.tag_articles), rounds=args.rounds)
    try:
        with tempfile.TemporaryDirectory(prefix="newsflow-bench-security-") as work:
            work_dir = Path(args.work_dir) if args.work_dir else Path(work)
            work_dir.mkdir(parents=True, exist_ok=True)
            report = asyncio.run(
                run_security_bench(
                    plan,
                    settings,
                    plaintext,
                    secured,
                    data_dir=Path(args.data),
                    seeds_dir=Path(args.seeds),
                    work_dir=work_dir,
                    out=sys.stderr,
                )
            )
    finally:
        if not already_running:
            secured.stop()
    write_json(report, Path(args.json))
    sys.stdout.write(render(report["summary"]) + "\n")
    sys.stdout.write(f"figures written to {args.json}\n")
    return 0


def cmd_bench_dedup(settings: Settings, args: argparse.Namespace) -> int:
    """The dedup state at a week's volume: embedded (killed -9 and restored) and Redis shared by several instances."""
    import json  # noqa: PLC0415 - only this command needs them
    from dataclasses import replace  # noqa: PLC0415

    from services.bench import dedup_scale  # noqa: PLC0415
    from services.bench.dedup_stream import FeedSpec  # noqa: PLC0415

    configure_logging(settings.log_format, "error")
    spec = replace(FeedSpec(), per_day=args.per_day, days=args.days)
    events = Path(args.data) / "dedup-dev" / "events.jsonl"
    texts = [json.loads(line)["text"] for line in events.read_text(encoding="utf-8").splitlines()[:500]] if events.is_file() else []
    figures = dedup_scale.run(
        spec, sample=args.sample, instances=args.instances, redis=not args.skip_redis, texts=texts, redis_days=args.redis_days
    )
    Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(dedup_scale.render(figures) + "\n")
    sys.stdout.write(f"figures written to {args.json}\n")
    return 0
