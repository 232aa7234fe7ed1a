"""Builders of clean articles for the dedup tests, and a private Redis server."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from services.bench.processes import free_port
from services.messages import CleanArticle

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def article(article_id: str, body: str, *, at: timedelta = timedelta(0), url: str | None = None) -> CleanArticle:
    """A clean article with the given body, fetched `at` after T0."""
    return CleanArticle(
        id=article_id,
        body=body,
        fetched_at=T0 + at,
        canonical_url=url,
        url=url,
        word_count=len(body.split()),
        removed_chars=0,
    )


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on a free port for this test session; skips when the binary is absent."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (needed for the shared-state tests)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail(f"redis-server did not answer on port {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)
