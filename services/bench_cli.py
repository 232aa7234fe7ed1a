"""`newsflow bench`: every stage against its bare limits, measured side by side in one run; wired in by `add_bench_commands`.

Until the lead wires it into services.cli, `python -m services.bench_cli bench ...` runs it on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from services.bench.corpus import CorpusSpec
from services.bench.report import render, summarise, write_json
from services.bench.suite import TARGETS, Plan, run_bench
from services.chassis.local_kafka import ensure_bootstrap
from services.chassis.logs import configure_logging
from services.settings import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
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
        targets=parse_targets(args.stages),
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
    from services.chassis.local_kafka import start_secured_local_kafka  # noqa: PLC0415 - only this command needs it

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


def add_bench_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `bench` to newsflow's subcommands."""
    bench = commands.add_parser("bench", help="every stage against its bare limits (transport, compute, model), in one run")
    bench.add_argument("--articles", type=int, help="corpus size in raw events (default 1500; --quick 300)")
    bench.add_argument("--duplicate-share", type=float, default=0.2, help="share of the corpus that duplicates earlier articles")
    bench.add_argument("--html-share", type=float, default=0.25, help="share of unique articles published as HTML (the rest as page text)")
    bench.add_argument(
        "--tag-articles", type=int, help="first raw events whose unique articles feed the tagger and pipeline runs (default 300)"
    )
    bench.add_argument("--stages", default=",".join(TARGETS), help=f"comma-separated, from {', '.join(TARGETS)}")
    bench.add_argument("--skip-transport", action="store_true", help="leave out the aiokafka and kcat pass-through limits")
    bench.add_argument("--quick", action="store_true", help="a small corpus, short latency runs, no 2-process runs: a minute or two")
    bench.add_argument("--latency-seconds", type=float, help="how long each latency run offers load (default 15; --quick 5; 0 skips)")
    bench.add_argument("--load", type=float, default=0.5, help="offered load of the latency runs, as a fraction of saturation")
    bench.add_argument("--seed", type=int, default=1, help="corpus seed")
    bench.add_argument("--data", default=str(REPO_ROOT.parent / "shared" / "data"), help="evaluation data folder (seeds/ when absent)")
    bench.add_argument("--seeds", default=str(REPO_ROOT / "seeds"))
    bench.add_argument("--json", default="bench-results.json", help="where the figures go (default ./bench-results.json)")
    bench.add_argument("--keep-topics", action="store_true", help="keep the run's topics (default: deleted at the end)")
    bench.add_argument("--work-dir", help="keep the stage processes' logs here (default: a temporary folder)")
    bench.set_defaults(handler=cmd_bench)

    secure = commands.add_parser(
        "bench-security",
        help="the same corpus through a plaintext and a SASL_SSL broker (SCRAM, ACLs, a principal per stage), side by side",
    )
    secure.add_argument("--articles", type=int, default=1500, help="raw events of the clean + dedup runs (default 1500)")
    secure.add_argument("--tag-articles", type=int, default=200, help="first raw events fed to the whole pipeline (default 200)")
    secure.add_argument("--rounds", type=int, default=1, help="plaintext/secured pairs, alternating (default 1)")
    secure.add_argument("--secured-port", type=int, default=19592, help="port of the local secured broker (started if needed)")
    secure.add_argument("--data", default=str(REPO_ROOT.parent / "shared" / "data"), help="evaluation data folder (seeds/ when absent)")
    secure.add_argument("--seeds", default=str(REPO_ROOT / "seeds"))
    secure.add_argument("--json", default="bench-security.json", help="where the figures go (default ./bench-security.json)")
    secure.add_argument("--work-dir", help="keep the stage processes' logs here (default: a temporary folder)")
    secure.set_defaults(handler=cmd_bench_security)
