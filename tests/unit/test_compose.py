"""docker-compose.yml is accepted by the real docker-compose, and runs each stage as its own service."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def compose_config() -> str:
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed (deploy/dev/setup.sh installs it)")
    completed = subprocess.run(["docker-compose", "config"], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_compose_file_is_valid_and_has_a_service_per_stage(compose_config: str) -> None:
    for service in ("kafka:", "topics:", "clean:", "dedup:", "tag:"):
        assert f"\n  {service}\n" in compose_config, service
    for stage in ("clean", "dedup", "tag"):
        assert f"- --stage\n    - {stage}\n" in compose_config or f"--stage\n      - {stage}" in compose_config


def test_the_image_is_built_from_the_runtime_lock() -> None:
    dockerfile = (REPO_ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "requirements.lock" in dockerfile
    assert (REPO_ROOT / "requirements.lock").is_file()
