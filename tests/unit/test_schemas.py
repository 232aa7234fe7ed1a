"""schemas/ is generated from the models; this fails when someone changes one without the other."""

from __future__ import annotations

import json

from services import schemas
from tests.conftest import REPO_ROOT


def test_committed_schemas_match_the_models() -> None:
    stale = schemas.stale(REPO_ROOT / "schemas")
    assert stale == [], f"regenerate with `newsflow schemas`: {stale}"


def test_asyncapi_lists_every_topic_with_its_payload() -> None:
    document = json.loads(schemas.render()["asyncapi.json"])
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == set(schemas.TOPIC_MODELS)
    assert document["components"]["schemas"]["EnrichedArticle"] == {"$ref": "./articles.enriched.schema.json"}
