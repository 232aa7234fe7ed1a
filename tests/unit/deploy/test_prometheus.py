"""deploy/prometheus: the configs and alert rules pass promtool, the rules' own unit tests pass, and every rule is complete."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from tests.unit.deploy.files import DEPLOY, load_yaml, require_tool
from tests.unit.deploy.promql import PROMETHEUS_SERIES, exported_metric_names, metric_names

PROMETHEUS = DEPLOY / "prometheus"
CONFIGS = sorted(PROMETHEUS.glob("prometheus*.yml"))
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.test.yml"))
EXPECTED_ALERTS = {
    "NewsflowStageDown",
    "NewsflowReplicaDown",
    "NewsflowConsumerLagGrowing",
    "NewsflowPartitionStuck",
    "NewsflowPartitionNotAdvancing",
    "NewsflowDeadLetterRateHigh",
    "NewsflowProcessingErrors",
    "NewsflowFreshnessObjectiveBreached",
}


@pytest.fixture(scope="module")
def promtool() -> str:
    return require_tool("promtool")


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=PROMETHEUS, capture_output=True, text=True, check=False, timeout=60)


def _alerts() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for path in RULE_FILES:
        for group in load_yaml(path)["groups"]:
            rules.extend(rule for rule in group["rules"] if "alert" in rule)
    return rules


def test_the_files_are_there() -> None:
    assert [path.name for path in CONFIGS] == ["prometheus.static.yml", "prometheus.yml"]
    assert RULE_FILES
    assert RULE_TESTS


@pytest.mark.parametrize("config", CONFIGS, ids=lambda path: path.name)
def test_promtool_accepts_the_scrape_config_and_the_rules_it_loads(promtool: str, config: Any) -> None:
    completed = _run(promtool, "check", "config", config.name)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "rules found" in completed.stdout + completed.stderr, "the config loads no rule file"


def test_promtool_accepts_the_rules(promtool: str) -> None:
    completed = _run(promtool, "check", "rules", *(str(path) for path in RULE_FILES))
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_rules_unit_tests_pass(promtool: str) -> None:
    """promtool evaluates the rules over the test file's input series and compares the alerts and their annotations."""
    completed = _run(promtool, "test", "rules", *(str(path) for path in RULE_TESTS))
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_every_alert_has_severity_summary_description_and_a_runbook_section() -> None:
    runbook = (PROMETHEUS / "RUNBOOK.md").read_text(encoding="utf-8")
    sections = {line.removeprefix("## ").strip().lower() for line in runbook.splitlines() if line.startswith("## ")}
    alerts = _alerts()
    assert {alert["alert"] for alert in alerts} == EXPECTED_ALERTS
    for alert in alerts:
        name = alert["alert"]
        assert alert["labels"]["severity"] in {"critical", "warning"}, name
        assert {"summary", "description", "runbook"} <= set(alert["annotations"]), name
        anchor = re.match(r"deploy/prometheus/RUNBOOK\.md#(\w+):", alert["annotations"]["runbook"])
        assert anchor is not None, f"{name}: the runbook hint starts with its RUNBOOK.md section"
        assert anchor.group(1) == name.lower(), name
        assert name.lower() in sections, f"RUNBOOK.md has no section for {name}"


def test_every_alert_is_tested_firing_and_not_firing() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for path in RULE_TESTS:
        for case in load_yaml(path)["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    assert firing == EXPECTED_ALERTS, "alerts never shown firing: " + ", ".join(sorted(EXPECTED_ALERTS - firing))
    assert quiet == EXPECTED_ALERTS, "alerts never shown quiet: " + ", ".join(sorted(EXPECTED_ALERTS - quiet))


def test_the_rules_use_only_metrics_the_service_exports() -> None:
    """A renamed metric in services/chassis/metrics.py makes this fail instead of silencing an alert."""
    known = exported_metric_names() | PROMETHEUS_SERIES
    for alert in _alerts():
        unknown = metric_names(alert["expr"]) - known
        assert not unknown, f"{alert['alert']} uses metrics newsflow does not export: {sorted(unknown)}"
