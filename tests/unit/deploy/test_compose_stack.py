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


def test_dedup_is_given_the_redis_url_as_a_secret_and_redis_asks_for_a_password(services: dict[str, Any]) -> None:
    environment = services["dedup"]["environment"]
    assert "NEWSFLOW_REDIS_URL" not in environment  # the URL carries the password: never in the environment
    assert environment["NEWSFLOW_REDIS_URL_FILE"] == "/run/secrets/redis_url"
    assert "redis_url" in [secret if isinstance(secret, str) else secret["source"] for secret in services["dedup"]["secrets"]]
    assert services["dedup"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["redis"]["command"][-2:] == ["--aclfile", "/run/secrets/redis_users"]


def _secret_targets(service: dict[str, Any]) -> dict[str, str]:
    """Secret source -> the name it is mounted under in /run/secrets."""
    return {
        (secret if isinstance(secret, str) else secret["source"]): (
            secret if isinstance(secret, str) else secret.get("target", secret["source"])
        )
        for secret in service.get("secrets", [])
    }


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_connects_over_sasl_ssl_as_its_own_user_with_its_own_secret(services: dict[str, Any], stage: str) -> None:
    environment = services[stage]["environment"]
    assert environment["NEWSFLOW_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert environment["NEWSFLOW_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert environment["NEWSFLOW_KAFKA_SASL_USERNAME"] == stage
    assert "NEWSFLOW_KAFKA_SASL_PASSWORD" not in environment
    assert environment["NEWSFLOW_KAFKA_SASL_PASSWORD_FILE"] == "/run/secrets/kafka_password"  # noqa: S105 - a path, not a password
    assert _secret_targets(services[stage])[f"kafka_{stage}"] == "kafka_password"
    assert environment["NEWSFLOW_KAFKA_SSL_CAFILE"] == "/pki/ca.pem"
    assert services[stage]["depends_on"]["acls"]["condition"] == "service_completed_successfully"


def test_the_broker_is_secured_and_topics_and_acls_are_made_by_the_admin(services: dict[str, Any]) -> None:
    assert set(_secret_targets(services["kafka"])) == {"kafka_broker", "kafka_admin", *(f"kafka_{stage}" for stage in STAGES)}
    assert services["kafka"]["command"] == ["bash", "/newsflow/start-secured.sh"]
    assert services["topics"]["environment"]["NEWSFLOW_KAFKA_SASL_USERNAME"] == "admin"
    assert _secret_targets(services["topics"]) == {"kafka_admin": "kafka_password"}
    assert "newsflow acls > /acls/acls.txt" in services["topics"]["entrypoint"][-1]
    assert services["acls"]["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    script = (DEPLOY / "kafka" / "compose" / "start-secured.sh").read_text(encoding="utf-8")
    for line in ("allow.everyone.if.no.acl.found=false", "listeners=SASL_SSL://:9092,CONTROLLER://:9093", "--add-scram"):
        assert line in script


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
