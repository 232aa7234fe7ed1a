"""/healthz, /readyz and /metrics over HTTP, as a small ASGI app served by uvicorn.

Not FastStream's `AsgiFastStream` health routes: those answer from one broker ping, while /readyz here
combines named checks (broker, partitions assigned, stage state loaded, partitions stuck) and says which
failed; the app itself is the 30 lines of `HealthApp`, on prometheus_client's own ASGI app for /metrics.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable, Generator, Iterable
from typing import Any

import uvicorn
from prometheus_client import CollectorRegistry, make_asgi_app

ReadinessCheck = Callable[[], Awaitable[tuple[bool, str]]]
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def _json_response(status: int, payload: dict[str, Any]) -> tuple[int, bytes]:
    return status, json.dumps(payload).encode("utf-8")


class HealthApp:
    """Liveness answers while the process serves; readiness runs every named check."""

    def __init__(self, registry: CollectorRegistry, checks: dict[str, ReadinessCheck]) -> None:
        self._metrics = make_asgi_app(registry)
        self._checks = checks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path == "/metrics":
            await self._metrics(scope, receive, send)
            return
        if path == "/healthz":
            status, body = _json_response(200, {"status": "ok"})
        elif path == "/readyz":
            status, body = await self._readiness()
        else:
            status, body = _json_response(404, {"error": f"no route {path}"})
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    async def _readiness(self) -> tuple[int, bytes]:
        results = {name: await check() for name, check in self._checks.items()}
        ready = all(ok for ok, _ in results.values())
        payload = {"ready": ready, "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()}}
        return _json_response(200 if ready else 503, payload)


class EmbeddedServer(uvicorn.Server):
    """uvicorn inside a process that handles its own signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def make_server(app: HealthApp, host: str, port: int) -> EmbeddedServer:
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="off")
    return EmbeddedServer(config)


def all_ready(flags: Iterable[tuple[str, bool]]) -> tuple[bool, str]:
    """Fold named yes/no facts into one readiness answer that names what is missing."""
    missing = [name for name, ok in flags if not ok]
    return (not missing, "ok" if not missing else "not ready: " + ", ".join(missing))
