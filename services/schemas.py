"""schemas/: the JSON Schema of every topic's message and an AsyncAPI document, generated from the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from services.messages import PIPELINE_VERSION
from services.topology import TOPIC_MODELS, TOPICS

__all__ = ["TOPIC_MODELS", "render", "stale", "write"]

# Who writes each topic, for the AsyncAPI operations.
_PRODUCERS = {spec.name: spec.written_by for spec in TOPICS}


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _asyncapi() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for topic, model in TOPIC_MODELS.items():
        channel_id = topic.replace(".", "_")
        schemas[model.__name__] = {"$ref": f"./{topic}.schema.json"}
        channels[channel_id] = {
            "address": topic,
            "description": f"Written by {_PRODUCERS[topic]}. Key: the article id. Value: JSON ({model.__name__}).",
            "messages": {model.__name__: {"payload": {"$ref": f"#/components/schemas/{model.__name__}"}}},
        }
        operations[f"publish_{channel_id}"] = {"action": "send", "channel": {"$ref": f"#/channels/{channel_id}"}}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "newsflow",
            "version": PIPELINE_VERSION,
            "description": "Streaming ingestion of news articles: clean, deduplicate, tag. Topic names take the configured prefix.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas},
    }


def render() -> dict[str, str]:
    """File name -> content of everything under schemas/."""
    files = {f"{topic}.schema.json": _dump(model.model_json_schema(mode="serialization")) for topic, model in TOPIC_MODELS.items()}
    files["asyncapi.json"] = _dump(_asyncapi())
    return files


def write(directory: Path) -> list[str]:
    """Write schemas/; return the names of files whose content changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, content in render().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            changed.append(name)
    return changed


def stale(directory: Path) -> list[str]:
    """Names of files under schemas/ that differ from what the code generates."""
    return [
        name
        for name, content in render().items()
        if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != content
    ]
