#!/usr/bin/env bash
# Installs what newsflow needs on a fresh Debian machine, and nothing twice:
# Debian packages (Redis, kcat, promtool, docker-compose), the Python environment from the lock file,
# and the Kafka jars for the local broker. Safe to run again; it only does what is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

apt_packages=(redis-server openssl kcat prometheus docker-compose maven default-jre-headless)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# A JDK already on PATH (17 or newer) serves as well as Debian's.
if command -v java >/dev/null 2>&1; then
  missing=("${missing[@]/default-jre-headless}")
fi
if command -v mvn >/dev/null 2>&1; then
  missing=("${missing[@]/maven}")
fi
read -r -a missing <<<"${missing[*]}"
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python_bin="${PYTHON:-python3}"
"$python_bin" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "newsflow needs Python 3.11 or newer")'
if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv"
  "$python_bin" -m pip install --quiet --disable-pip-version-check "uv>=0.5,<1" \
    || "$python_bin" -m pip install --quiet --disable-pip-version-check --break-system-packages "uv>=0.5,<1"
fi
uv_bin="$(command -v uv || echo "$("$python_bin" -m site --user-base)/bin/uv")"

[[ -x .venv/bin/python ]] || "$uv_bin" venv --quiet --python "$python_bin" .venv
"$uv_bin" pip sync --quiet --python .venv/bin/python requirements-dev.lock
"$uv_bin" pip install --quiet --python .venv/bin/python --no-deps -e .

bash deploy/kafka/local-kafka.sh fetch
echo "setup: ready (.venv, Kafka jars, Debian tools)"
