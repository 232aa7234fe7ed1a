"""`newsflow acls`: the least-privilege ACLs of every stage, as kafka-acls arguments or full commands."""

from __future__ import annotations

import argparse
import shlex
import sys

from services.acls import pipeline_grants, stage_grants
from services.settings import Settings
from services.topics import STAGE_ORDER, Topics


def _principals(pairs: list[str]) -> dict[str, str]:
    principals: dict[str, str] = {}
    for pair in pairs:
        stage, _, principal = pair.partition("=")
        if stage not in STAGE_ORDER or not principal:
            raise ValueError(f"--principal takes STAGE=USER with a stage of {', '.join(STAGE_ORDER)}, not {pair!r}")
        principals[stage] = principal
    return principals


def cmd_acls(settings: Settings, args: argparse.Namespace) -> int:
    topics = Topics(settings.topic_prefix)
    principals = _principals(args.principal or [])
    if args.stage:
        grants = stage_grants(args.stage, topics, settings.group_prefix, principals.get(args.stage, args.stage))
    else:
        grants = pipeline_grants(topics, settings.group_prefix, principals)
    for grant in grants:
        words = shlex.join(grant.acl_args())
        if args.shell:
            words = f'kafka-acls.sh --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --command-config admin.properties {words}'
        sys.stdout.write(words + "\n")
    return 0


def add_acls_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    acls = commands.add_parser(
        "acls",
        help="print the ACLs each stage needs (topic and group names from NEWSFLOW_TOPIC_PREFIX and NEWSFLOW_GROUP_PREFIX)",
        description="One line per kafka-acls invocation. Without --shell, the arguments only, for "
        "`newsflow acls | NEWSFLOW_KAFKA_SECURITY=sasl_ssl deploy/kafka/local-kafka.sh acls`.",
    )
    acls.add_argument("--stage", choices=STAGE_ORDER, help="one stage only")
    acls.add_argument("--principal", action="append", metavar="STAGE=USER", help="principal of a stage (default: the stage's name)")
    acls.add_argument("--shell", action="store_true", help="whole kafka-acls.sh commands instead of arguments")
    acls.set_defaults(handler=cmd_acls)
