#!/usr/bin/env bash
# The main job end to end: set-up, the local broker (unless KAFKA_BOOTSTRAP_SERVERS is set), topics,
# all stages, seeds/ published, outputs shown as they arrive, then a summary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
bash deploy/dev/setup.sh
exec .venv/bin/newsflow demo "$@"
