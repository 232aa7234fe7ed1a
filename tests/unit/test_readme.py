"""The README's configuration table covers every setting."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from services.article_hooks import ArticleMetrics, fingerprints_gauge, held_gauge
from services.chassis.metrics import Metrics
from services.settings import Settings
from tests.conftest import REPO_ROOT


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        variable = field.validation_alias if isinstance(field.validation_alias, str) else f"NEWSFLOW_{name.upper()}"
        assert f"| `{variable}` |" in readme, f"{variable} is not documented"


def test_every_metric_is_in_the_readme_table() -> None:
    registry = CollectorRegistry()
    Metrics(registry)
    ArticleMetrics(registry)
    fingerprints_gauge(registry)
    held_gauge(registry)
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for family in registry.collect():
        name = f"{family.name}_total" if family.type == "counter" else family.name
        assert f"| `{name}` |" in readme, f"{name} is not documented"
