"""The machine and versions a bench ran on, so its figures are never quoted without them."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from services.ops.local_broker import LOCAL_KAFKA_SCRIPT


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def kcat_version() -> str | None:
    kcat = shutil.which("kcat")
    if kcat is None:
        return None
    completed = subprocess.run([kcat, "-V"], capture_output=True, text=True, check=False)  # noqa: S603 - kcat from PATH
    found = re.search(r"Version (\S+).*?librdkafka (\S+)", completed.stdout + completed.stderr)
    return f"{found.group(1)} (librdkafka {found.group(2)})" if found else None


def running_local_kafka(bootstrap: str) -> str | None:
    """The version of the deploy/kafka broker answering on a localhost bootstrap, if that is what it is."""
    host, _, port = bootstrap.split(",", maxsplit=1)[0].rpartition(":")
    if host not in ("localhost", "127.0.0.1") or not port.isdigit():
        return None
    environment = {**os.environ, "NEWSFLOW_LOCAL_KAFKA_PORT": port}
    command = ["/bin/bash", str(LOCAL_KAFKA_SCRIPT), "status"]
    completed = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603 - the project's own script
    found = re.search(r"up: Kafka (\S+)", completed.stdout)
    return found.group(1) if found else None


def describe_machine(bootstrap: str) -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "kafka": running_local_kafka(bootstrap) or "unknown (not the deploy/kafka broker)",
        "kafka_bootstrap": bootstrap,
        "aiokafka": _version("aiokafka"),
        "faststream": _version("faststream"),
        "spacy": _version("spacy"),
        "kcat": kcat_version(),
        "platform": platform.platform(),
    }
