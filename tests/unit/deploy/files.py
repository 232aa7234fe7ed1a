"""Reading the deployment files: YAML through PyYAML when it is installed, and the real tools' locations."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"


def parse_yaml_documents(text: str) -> list[Any]:
    """Every non-empty YAML document in a text; the test skips when PyYAML is missing."""
    # importorskip rather than `import yaml`: PyYAML comes with kubernetes-validate (a dev dependency),
    # and the module it returns is untyped, so mypy needs no stubs for it.
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (it comes with the dev dependency kubernetes-validate>=1.33,<2)")
    documents: list[Any] = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    return documents


def load_yaml_documents(path: Path) -> list[Any]:
    """Every non-empty YAML document in a file."""
    return parse_yaml_documents(path.read_text(encoding="utf-8"))


def load_yaml(path: Path) -> Any:
    """The one YAML document in a file."""
    documents = load_yaml_documents(path)
    assert len(documents) == 1, f"{path} holds {len(documents)} documents"
    return documents[0]


DEBIAN_TOOL = "deploy/dev/setup.sh installs it, and CI has it"


def require_tool(name: str, why_missing_is_fine: str = DEBIAN_TOOL) -> str:
    """The path of a command-line tool; the test skips with a reason when it is not on PATH."""
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed ({why_missing_is_fine})")
    return found
