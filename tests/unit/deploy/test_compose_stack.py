"""docker-compose.yml as `docker-compose config` resolves it: stages scale, Prometheus finds every replica, Grafana is provisioned."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.unit.deploy.files import DEPLOY, load_yaml, parse_yaml_documents, require_tool

STAGES = ("clean", "dedup", "tag")
METRICS_PORT = 8000


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    docker_compose = require_tool("docker-compose")
    completed = subprocess.run([docker_compose, "config"], cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=60)
    assert completed.returncode == 0, completed.stderr
    documents = parse_yaml_documents(completed.stdout)
    resolved: dict[str, Any] = documents[0]["services"]
    return resolved


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> host path (or volume name) of a service's volumes, as `docker-compose config` prints them."""
    mounts: dict[str, str] = {}
    for volume in service.get("volumes", []):
        source, target, *_ = volume.split(":") if isinstance(volume, str) else (volume["source"], volume["target"])
        mounts[target] = source
    return mounts


def test_the_stack_has_broker_state_store_and_monitoring(services: dict[str, Any]) -> None:
    assert set(services) >= {"kafka", "topics", "redis", *STAGES, "prometheus", "grafana"}
    images = {name: services[name]["image"] for name in ("kafka", "redis", "prometheus", "grafana")}
    for name, prefix in {
        "kafka": "apache/kafka:",
        "redis": "redis:",
        "prometheus": "prom/prometheus:",
        "grafana": "grafana/grafana:",
    }.items():
        assert images[name].startswith(prefix), images[name]  # the official images
        assert not images[name].endswith(":latest"), f"{name} is pinned to a version"


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_can_be_scaled(services: dict[str, Any], stage: str) -> None:
    """`--scale` needs no fixed host port and no fixed container name; the metrics port is the one Prometheus scrapes."""
    service = services[stage]
    assert "ports" not in service, f"{stage} publishes a host port, so a second replica could not start"
    assert "container_name" not in service
    assert service["command"] == ["run", "--stage", stage]
    assert service["environment"]["NEWSFLOW_HTTP_PORT"] == str(METRICS_PORT)


def test_dedup_is_given_the_redis_url(services: dict[str, Any]) -> None:
    assert services["dedup"]["environment"]["NEWSFLOW_REDIS_URL"] == "redis://redis:6379/0"
    assert services["dedup"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_prometheus_finds_every_replica_of_every_stage_through_docker_dns(services: dict[str, Any]) -> None:
    mounts = _mounts(services["prometheus"])
    assert mounts["/etc/prometheus"] == str(DEPLOY / "prometheus"), "the config and its rules/ directory are mounted together"
    assert "--config.file=/etc/prometheus/prometheus.yml" in services["prometheus"]["command"]
    config = load_yaml(DEPLOY / "prometheus" / "prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for stage in STAGES:
        job = jobs[f"newsflow-{stage}"]  # the alert rules key on job="newsflow-<stage>"
        assert "static_configs" not in job, "a static target would reach only one replica"
        assert job["dns_sd_configs"] == [{"names": [stage], "type": "A", "port": METRICS_PORT, "refresh_interval": "15s"}]
    assert config["rule_files"] == ["rules/*.yml"]


def test_grafana_mounts_the_provisioning_and_the_dashboards_it_points_at(services: dict[str, Any]) -> None:
    mounts = _mounts(services["grafana"])
    assert mounts["/etc/grafana/provisioning"] == str(DEPLOY / "grafana" / "provisioning")
    providers = load_yaml(DEPLOY / "grafana" / "provisioning" / "dashboards" / "newsflow.yml")["providers"]
    assert mounts[providers[0]["options"]["path"]] == str(DEPLOY / "grafana" / "dashboards")
    datasource = load_yaml(DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml")["datasources"][0]
    assert datasource["url"] == "http://prometheus:9090"
    assert "prometheus" in services
