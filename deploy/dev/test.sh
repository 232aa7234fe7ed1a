#!/usr/bin/env bash
# The whole test suite from a fresh clone: set-up, then lint, types, and every test (unit and on the real broker).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
started=$SECONDS
bash deploy/dev/setup.sh
echo "test: set-up took $((SECONDS - started))s"

.venv/bin/ruff check services tests
.venv/bin/ruff format --check services tests
.venv/bin/mypy
.venv/bin/pytest "$@"
echo "test: everything took $((SECONDS - started))s"
