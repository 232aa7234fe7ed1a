"""deploy/grafana: the provisioned dashboard is well formed, queries the provisioned data source, and uses only real metrics."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.deploy.files import DEPLOY, load_yaml, require_tool
from tests.unit.deploy.promql import PROMETHEUS_SERIES, exported_metric_names, metric_names, template_query_metric_names

GRAFANA = DEPLOY / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "newsflow.json"
DATASOURCE_UID = "newsflow-prometheus"
GRID_COLUMNS = 24


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return loaded


def _panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, the ones inside collapsed rows too."""
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def _queries(dashboard: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, PromQL) for every panel target."""
    for panel in _panels(dashboard):
        for target in panel.get("targets", []):
            yield f"panel {panel['id']} {panel['title']!r} target {target['refId']}", target["expr"]


def _variable(dashboard: dict[str, Any], name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [var for var in dashboard["templating"]["list"] if var["name"] == name]
    assert len(found) == 1, f"no single ${name} variable"
    return found[0]


def test_panel_ids_are_unique_and_panels_sit_on_the_grid_without_overlapping(dashboard: dict[str, Any]) -> None:
    panels = list(_panels(dashboard))
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids)), "duplicate panel ids"
    taken: set[tuple[int, int]] = set()
    for panel in panels:
        grid = panel["gridPos"]
        assert all(isinstance(grid[key], int) and grid[key] >= 0 for key in ("x", "y", "w", "h")), panel["title"]
        assert grid["w"] > 0, panel["title"]
        assert grid["h"] > 0, panel["title"]
        assert grid["x"] + grid["w"] <= GRID_COLUMNS, panel["title"]
        cells = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"]) for y in range(grid["y"], grid["y"] + grid["h"])}
        assert not cells & taken, f"{panel['title']} overlaps another panel"
        taken |= cells
    assert dashboard["uid"] == "newsflow"
    assert isinstance(dashboard["schemaVersion"], int)


def test_every_query_goes_to_the_provisioned_datasource_through_the_variable(dashboard: dict[str, Any]) -> None:
    variable = _variable(dashboard, "datasource")
    assert variable["type"] == "datasource"
    assert variable["query"] == "prometheus"
    assert variable["current"]["value"] == DATASOURCE_UID, "the variable defaults to the provisioned data source"
    provisioned = load_yaml(GRAFANA / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
    assert [source["uid"] for source in provisioned] == [DATASOURCE_UID]
    allowed = {"${datasource}", DATASOURCE_UID}
    for panel in _panels(dashboard):
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] in allowed, panel["title"]
        assert panel["targets"], f"{panel['title']} has no query"
        assert len({target["refId"] for target in panel["targets"]}) == len(panel["targets"]), panel["title"]
        for target in panel["targets"]:
            assert target.get("datasource", panel["datasource"])["uid"] in allowed, panel["title"]
    assert _variable(dashboard, "stage")["datasource"]["uid"] in allowed


def test_every_query_uses_only_metrics_the_service_exports(dashboard: dict[str, Any]) -> None:
    """Names come from services.chassis.metrics on a fresh registry, so renaming a metric there fails this test."""
    known = exported_metric_names() | PROMETHEUS_SERIES
    for where, expr in _queries(dashboard):
        names = metric_names(expr)
        assert names, f"{where}: no metric found in {expr!r}"
        assert not names - known, f"{where} uses metrics newsflow does not export: {sorted(names - known)}"
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
            assert template_query_metric_names(query) <= known, variable["name"]


def test_the_dashboard_shows_what_operators_watch(dashboard: dict[str, Any]) -> None:
    used = set().union(*(metric_names(expr) for _, expr in _queries(dashboard)))
    assert used >= {
        "newsflow_messages_consumed_total",
        "newsflow_messages_produced_total",
        "newsflow_consumer_lag_records",
        "newsflow_batch_duration_seconds_bucket",
        "newsflow_event_freshness_seconds_bucket",
        "newsflow_dead_letters_total",
        "newsflow_dedup_verdicts_total",
        "newsflow_dedup_held_records",
        "newsflow_entities_total",
        "newsflow_words_processed_total",
        "newsflow_in_flight_records",
        "newsflow_dedup_state_fingerprints",
    }
    for histogram in ("newsflow_batch_duration_seconds_bucket", "newsflow_event_freshness_seconds_bucket"):
        quantiles = {
            match.group(1)
            for _, expr in _queries(dashboard)
            if histogram in expr
            for match in re.finditer(r"histogram_quantile\(([\d.]+)", expr)
        }
        assert quantiles == {"0.5", "0.95", "0.99"}, histogram


def test_promtool_parses_every_panel_query(dashboard: dict[str, Any], tmp_path: Path) -> None:
    """Each query, with Grafana's variables filled in, becomes a recording rule that `promtool check rules` must accept."""
    promtool = require_tool("promtool")
    rules = [
        {"record": f"dashboard:query_{index}", "expr": expr.replace("$__rate_interval", "5m").replace("$stage", ".*")}
        for index, (_, expr) in enumerate(_queries(dashboard))
    ]
    rule_file = tmp_path / "dashboard-queries.yml"
    rule_file.write_text(json.dumps({"groups": [{"name": "dashboard", "rules": rules}]}), encoding="utf-8")  # JSON is YAML
    completed = subprocess.run([promtool, "check", "rules", str(rule_file)], capture_output=True, text=True, check=False, timeout=60)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_dashboard_provider_loads_the_directory_compose_mounts() -> None:
    providers = load_yaml(GRAFANA / "provisioning" / "dashboards" / "newsflow.yml")["providers"]
    assert [provider["options"]["path"] for provider in providers] == ["/etc/grafana/dashboards"]
