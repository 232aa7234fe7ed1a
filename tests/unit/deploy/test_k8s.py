"""deploy/k8s: every manifest validates against a pinned Kubernetes schema, and the Deployments run, probe and expose each stage."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from services.settings import Settings
from tests.unit.deploy.files import DEPLOY, load_yaml, load_yaml_documents, parse_yaml_documents, require_tool

K8S = DEPLOY / "k8s"
# The oldest Kubernetes still in common support when this was written; kubernetes-validate ships its schema.
KUBERNETES_VERSION = "1.33.0"
STAGES = ("clean", "dedup", "tag")
METRICS_PORT = 8000
MANIFESTS = sorted(path for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")
_QUANTITY = re.compile(r"^(?P<number>\d+(?:\.\d+)?)(?P<unit>Ki|Mi|Gi|Ti|k|M|G|T)?$")
_UNITS = {None: 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def _validate(resource: dict[str, Any], where: str) -> None:
    """Strict validation (unknown fields rejected) with kubernetes-validate; a kind it has no schema for fails too."""
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate is not installed (dev dependency kubernetes-validate>=1.33,<2)"
    )
    name = f"{where}: {resource['kind']}/{resource['metadata']['name']}"
    try:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(part) for part in error.path)
        pytest.fail(f"{name} does not validate against Kubernetes {KUBERNETES_VERSION}: {path}: {error.message}")
    except kubernetes_validate.SchemaNotFoundError as error:
        pytest.fail(f"{name}: {error.message}")


def _resources() -> list[dict[str, Any]]:
    return [resource for path in MANIFESTS for resource in load_yaml_documents(path)]


def _of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {resource["metadata"]["name"]: resource for resource in _resources() if resource["kind"] == kind}


def _container(stage: str) -> dict[str, Any]:
    containers: list[dict[str, Any]] = _of_kind("Deployment")[f"newsflow-{stage}"]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def _port(container: dict[str, Any], port: int | str) -> int:
    """A port number, or the containerPort a port name stands for."""
    if isinstance(port, int):
        return port
    named: list[int] = [entry["containerPort"] for entry in container["ports"] if entry.get("name") == port]
    assert named, f"no container port named {port}"
    return named[0]


def _bytes(quantity: str) -> int:
    match = _QUANTITY.match(quantity)
    assert match is not None, quantity
    return int(float(match.group("number")) * _UNITS[match.group("unit")])


def _settings_variables() -> set[str]:
    """The environment variables services/settings.py reads."""
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias if isinstance(alias, str) else f"NEWSFLOW_{name.upper()}")
    return names


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda path: path.name)
def test_every_manifest_validates_against_the_kubernetes_schema(path: Path) -> None:
    resources = load_yaml_documents(path)
    assert resources
    for resource in resources:
        _validate(resource, path.name)


def test_the_kustomization_lists_every_manifest_and_builds(tmp_path: Path) -> None:
    kustomization = load_yaml(K8S / "kustomization.yaml")
    assert sorted(kustomization["resources"]) == sorted(path.name for path in MANIFESTS)
    assert kustomization["namespace"] == "newsflow"
    kubectl = require_tool("kubectl", "optional: only the kustomize build is left unchecked; each manifest is still validated")
    built = subprocess.run([kubectl, "kustomize", str(K8S)], capture_output=True, text=True, check=False, timeout=60)
    assert built.returncode == 0, built.stderr
    resources = parse_yaml_documents(built.stdout)
    for resource in resources:
        _validate(resource, "kubectl kustomize")
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == "newsflow", resource["metadata"]["name"]


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_runs_its_stage_with_probes_on_the_metrics_port(stage: str) -> None:
    container = _container(stage)
    assert container["args"] == ["run", "--stage", stage]
    assert [entry["containerPort"] for entry in container["ports"]] == [METRICS_PORT]
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"), ("startupProbe", "/healthz")):
        check = container[probe]["httpGet"]
        assert check["path"] == path, f"{stage} {probe}"
        assert _port(container, check["port"]) == METRICS_PORT, f"{stage} {probe}"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_has_requests_and_limits_and_is_scraped(stage: str) -> None:
    container = _container(stage)
    resources = container["resources"]
    for kind in ("requests", "limits"):
        assert set(resources[kind]) >= {"cpu", "memory"}, f"{stage} {kind}"
    assert _bytes(resources["requests"]["memory"]) <= _bytes(resources["limits"]["memory"])
    annotations = _of_kind("Deployment")[f"newsflow-{stage}"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(METRICS_PORT)
    assert annotations["prometheus.io/path"] == "/metrics"


def test_tag_gets_the_memory_spacy_needs() -> None:
    resources = _container("tag")["resources"]
    assert _bytes(resources["requests"]["memory"]) >= 600 * 2**20
    assert _bytes(resources["limits"]["memory"]) > _bytes(resources["requests"]["memory"])


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_reads_the_configmap_and_connects_as_its_own_user_with_its_own_secret(stage: str) -> None:
    container = _container(stage)
    assert container["envFrom"] == [{"configMapRef": {"name": "newsflow-config"}}]
    env = {entry["name"]: entry for entry in container["env"]}
    assert env["NEWSFLOW_KAFKA_SASL_USERNAME"]["value"] == stage
    secret = env["NEWSFLOW_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert secret == {"name": f"newsflow-kafka-{stage}", "key": "password"}  # required: the broker asks for it
    assert set(env) <= _settings_variables(), "every variable is one services/settings.py reads"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_trusts_the_mounted_kafka_ca_over_sasl_ssl(stage: str) -> None:
    data = _of_kind("ConfigMap")["newsflow-config"]["data"]
    assert (data["NEWSFLOW_KAFKA_SECURITY_PROTOCOL"], data["NEWSFLOW_KAFKA_SASL_MECHANISM"]) == ("SASL_SSL", "SCRAM-SHA-512")
    mounts = {mount["name"]: mount for mount in _container(stage)["volumeMounts"]}
    assert data["NEWSFLOW_KAFKA_SSL_CAFILE"].startswith(mounts["kafka-ca"]["mountPath"] + "/")
    assert mounts["kafka-ca"]["readOnly"] is True
    volumes = _of_kind("Deployment")[f"newsflow-{stage}"]["spec"]["template"]["spec"]["volumes"]
    assert {"name": "kafka-ca", "configMap": {"name": "newsflow-kafka-ca"}} in volumes


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_has_a_metrics_service_selecting_its_pods(stage: str) -> None:
    service = _of_kind("Service")[f"newsflow-{stage}"]
    deployment = _of_kind("Deployment")[f"newsflow-{stage}"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"] == service["spec"]["selector"]
    [port] = service["spec"]["ports"]
    assert _port(_container(stage), port["targetPort"]) == METRICS_PORT


def test_the_configmap_holds_settings_newsflow_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _of_kind("ConfigMap")["newsflow-config"]["data"]
    assert set(data) <= _settings_variables(), f"unknown settings: {sorted(set(data) - _settings_variables())}"
    assert "KAFKA_BOOTSTRAP_SERVERS" in data, "unset, a stage would try to start its own local broker"
    assert data["NEWSFLOW_HTTP_PORT"] == str(METRICS_PORT)
    for name, value in data.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.kafka_bootstrap_servers == data["KAFKA_BOOTSTRAP_SERVERS"]
    assert settings.http_port == METRICS_PORT


def test_dedup_keeps_one_replica_on_a_persistent_volume() -> None:
    """Its state is in-process: two pods must not share or race on the state file."""
    deployment = _of_kind("Deployment")["newsflow-dedup"]
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "Recreate"
    env = {entry["name"]: entry.get("value") for entry in _container("dedup")["env"]}
    mounts = {mount["name"]: mount["mountPath"] for mount in _container("dedup")["volumeMounts"]}
    assert env["NEWSFLOW_DEDUP_STATE_PATH"].startswith(mounts["state"] + "/")
    volumes = {volume["name"]: volume for volume in deployment["spec"]["template"]["spec"]["volumes"]}
    assert volumes["state"]["persistentVolumeClaim"]["claimName"] in _of_kind("PersistentVolumeClaim")
