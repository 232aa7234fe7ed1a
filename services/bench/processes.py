"""Stage processes under test: `newsflow run --stage X` subprocesses, their readiness, peak memory and shutdown."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[2]
_STOP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (tagger workers, multiprocessing helpers), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM of a live process in MiB; None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds a live process has used; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


def role(pid: int) -> str:
    """What a process is: the stage process, a tagger worker, or a multiprocessing helper."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if "resource_tracker" in command:
        return "helper"
    if "multiprocessing" in command:
        return "worker"
    return "stage"


@dataclass
class StageProcess:
    """One `newsflow run` process with its own environment and log file (the bench's and the drills')."""

    environment: dict[str, str]
    log_path: Path
    stage: str | None = None  # None runs every stage
    name: str = "newsflow"
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def port(self) -> int:
        return int(self.environment["NEWSFLOW_HTTP_PORT"])

    def start(self) -> StageProcess:
        self._log = self.log_path.open("ab")
        command = [sys.executable, "-m", "services.cli", "run", *(["--stage", self.stage] if self.stage else [])]
        self.process = subprocess.Popen(command, env=self.environment, cwd=REPO_ROOT, stdout=self._log, stderr=subprocess.STDOUT)  # noqa: S603 - our own CLI
        return self

    def ready(self) -> bool:
        """Whether /readyz answers 200 now; raises when the process has exited."""
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited early (code {self.process.returncode if self.process else None}); see {self.log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self, timeout_s: float = 120.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.ready():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} not ready after {timeout_s}s; see {self.log_path}")
            time.sleep(0.3)

    def peak_rss(self) -> list[dict[str, object]]:
        """Peak RSS of this process and of each process under it, with their roles."""
        if self.process is None:
            return []
        pids = [self.process.pid, *descendants(self.process.pid)]
        return [
            {"process": self.name, "pid": pid, "role": role(pid), "peak_rss_mb": round(rss, 1)} for pid in pids if (rss := peak_rss_mb(pid))
        ]

    def cpu(self) -> dict[int, tuple[str, float]]:
        """CPU seconds so far of this process and of each process under it, by pid, with their roles."""
        if self.process is None:
            return {}
        pids = [self.process.pid, *descendants(self.process.pid)]
        return {pid: (f"{self.name} {role(pid)}", seconds) for pid in pids if (seconds := cpu_seconds(pid)) is not None}

    def kill(self) -> None:
        """kill -9: no shutdown code runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=_STOP_TIMEOUT_S)

    def terminate(self, timeout_s: float = 45.0) -> tuple[int, float]:
        """SIGTERM and wait; returns the exit code and how long the process took to leave."""
        if self.process is None:
            raise RuntimeError(f"{self.name} was never started")
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout_s)
        return code, time.monotonic() - started

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a grace period; closes the log."""
        if self.process is not None and self.process.poll() is None:
            try:
                self.terminate(_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def close(self) -> None:
        """kill -9 if still running (a test's teardown), and close the log."""
        self.kill()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def stage_environment(bootstrap: str, prefix: str, *, delivery: str, instance: str, tag_workers: int) -> dict[str, str]:
    """The environment of one stage process: its own topics, groups, port and transactional id; state in memory."""
    environment = {name: value for name, value in os.environ.items() if name not in ("NEWSFLOW_DEDUP_STATE_PATH", "NEWSFLOW_REDIS_URL")}
    environment.update(
        {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "NEWSFLOW_TOPIC_PREFIX": prefix,
            "NEWSFLOW_GROUP_PREFIX": f"{prefix}group",
            "NEWSFLOW_HTTP_PORT": str(free_port()),
            "NEWSFLOW_HTTP_HOST": "127.0.0.1",
            "NEWSFLOW_DELIVERY": delivery,
            "NEWSFLOW_INSTANCE_ID": instance,
            "NEWSFLOW_TAG_WORKERS": str(tag_workers),
            "NEWSFLOW_LOG_FORMAT": "json",
            "NEWSFLOW_LOG_LEVEL": "warning",
            # Every run starts from empty dedup state, so no run sees the decisions of the one before.
            "NEWSFLOW_DEDUP_STATE_PATH": "none",
        }
    )
    return environment


class ProcessGroup:
    """The processes of one measured configuration: started together, ready together, stopped together."""

    def __init__(self, processes: list[StageProcess]) -> None:
        self.processes = processes

    def start(self) -> None:
        for process in self.processes:
            process.start()

    def wait_ready(self, timeout_s: float) -> float:
        """Wait until every process answers /readyz; returns the wall time (epoch s) the first one did."""
        deadline = time.monotonic() + timeout_s
        first: float | None = None
        waiting = list(self.processes)
        while waiting:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"not ready after {timeout_s}s: {', '.join(p.name for p in waiting)}; logs in {waiting[0].log_path.parent}"
                )
            still = []
            for process in waiting:
                if process.ready():
                    first = first if first is not None else time.time()
                else:
                    still.append(process)
            waiting = still
            if waiting:
                time.sleep(0.05)
        return first if first is not None else time.time()

    def peak_rss(self) -> list[dict[str, object]]:
        return [entry for process in self.processes for entry in process.peak_rss()]

    def cpu(self) -> dict[int, tuple[str, float]]:
        return {pid: entry for process in self.processes for pid, entry in process.cpu().items()}

    def stop(self) -> None:
        for process in self.processes:
            process.stop()
