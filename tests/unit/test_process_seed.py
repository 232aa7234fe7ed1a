"""`newsflow process` on the seed page: one enriched record, the article only, with its entities."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT

SEED_PAGE = REPO_ROOT.parent / "shared" / "seeds" / "daily8-aggregator-page.txt"
CHROME = ("Hashtags", "Try Our AI Features", "No comments yet", "Related Articles", "2 hours ago")
TEASER_TEXT = ("NATO Secretary General Mark Rutte", "Maria Zakharova", "Karoline Leavitt")


def _process(stdin: bytes, stages: str) -> list[dict[str, Any]]:
    completed = subprocess.run(
        [sys.executable, "-m", "services.cli", "process", "--stages", stages],
        input=stdin,
        capture_output=True,
        check=True,
        cwd=REPO_ROOT,
        env={"NEWSFLOW_LOG_LEVEL": "warning", "PATH": ""},
    )
    return [json.loads(line) for line in completed.stdout.splitlines()]


@pytest.fixture(scope="module")
def seed_event() -> bytes:
    if not SEED_PAGE.is_file():
        pytest.skip(f"the seed page is not at {SEED_PAGE}")
    text = SEED_PAGE.read_text(encoding="utf-8")
    return json.dumps({"id": "seed", "url": "https://daily8.example/a", "fetched_at": "2026-11-20T08:00:00Z", "text": text}).encode()


def test_the_seed_page_gives_one_enriched_record_with_the_article_only(seed_event: bytes) -> None:
    messages = _process(seed_event, "clean,dedup,tag")
    enriched = [m for m in messages if m["topic"] == "articles.enriched"]
    assert len(enriched) == 1
    record = enriched[0]["value"]
    body = record["body"]
    assert body.startswith("Kiev's forces captured") or "Kiev's forces captured" in body
    assert "Kim Jong-un" in body
    for fragment in CHROME + TEASER_TEXT:
        assert fragment not in body, fragment
    entities = {(e["text"], e["label"]) for e in record["entities"]}
    assert ("Lavrov", "PERSON") in entities
    assert {label for text, label in entities if text == "Pyongyang"} <= {"GPE", "LOC"}
    assert any(text == "Pyongyang" for text, _ in entities)
    assert any("Kursk" in text and label in {"GPE", "LOC"} for text, label in entities)
    for entity in record["entities"]:
        assert body[entity["start"] : entity["end"]] == entity["text"]


def test_without_clean_the_raw_text_is_taken_as_the_body(seed_event: bytes) -> None:
    messages = _process(seed_event, "dedup")
    assert [m["topic"] for m in messages] == ["articles.unique"]
    assert "Related Articles" in messages[0]["value"]["body"]


def test_process_reads_a_file_and_dead_letters_bad_lines(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_bytes(b'{"id": "x", "fetched_at": "2026-11-20T08:00:00Z", "text": "short"}\n{broken\n')
    completed = subprocess.run(
        [sys.executable, "-m", "services.cli", "process", "--stages", "dedup", str(events)],
        capture_output=True,
        check=True,
        cwd=REPO_ROOT,
    )
    topics = [json.loads(line)["topic"] for line in completed.stdout.splitlines()]
    # Stage by stage: the bad line is rejected at the raw step, before dedup publishes the good one.
    assert topics == ["articles.dlq", "articles.unique"]
