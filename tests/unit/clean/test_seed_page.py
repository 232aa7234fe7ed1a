"""The seed aggregator page: the Lavrov article only, teasers moved to `related`, chrome gone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.clean import CleanStage
from services.messages import CleanArticle, RawArticle, RelatedItem

_SEED_ID = "daily8-lavrov-kursk"
_CHROME = ["Hashtags", "Try Our AI Features", "Explore what Daily8 AI", "Comments", "No comments yet", "Related Articles"]
_TEASER_TEXT = ["Rutte", "long-range missiles", "Zakharova", "2 hours ago", "Russia Today"]
_TEASER_TITLES = [
    "India, China and Brazil facing \u2018consequences' for Russia trade ties",
    "Trump rules out long-range missiles for Ukraine",
    "EU funding \u2018death' of Ukraine",
]


@pytest.fixture(scope="module")
def seed_record(seeds_dir: Path) -> CleanArticle:
    events = seeds_dir / "raw-events.jsonl"
    if not events.is_file():
        pytest.skip(f"no seed events at {events}")
    line = next((line for line in events.read_text(encoding="utf-8").splitlines() if f'"{_SEED_ID}"' in line), None)
    if line is None:
        pytest.skip(f"seed {_SEED_ID} not in {events}")
    (result,) = CleanStage().process([RawArticle.model_validate(json.loads(line))])
    assert isinstance(result, CleanArticle)
    return result


def test_body_is_the_lavrov_article(seed_record: CleanArticle) -> None:
    body = seed_record.body
    assert body.startswith("Kiev's forces captured some of the border areas in Kursk Region")
    assert "Lavrov stressed that 'the heroic soldiers" in body
    assert body.endswith("'rebuilding infrastructure destroyed by the occupants,' he said.")
    assert len(body.split("\n\n")) == 7


def test_body_has_no_chrome_and_no_teaser_text(seed_record: CleanArticle) -> None:
    for text in _CHROME + _TEASER_TEXT:
        assert text not in seed_record.body, text


def test_teasers_are_related_items_from_russia_today(seed_record: CleanArticle) -> None:
    assert seed_record.related == [RelatedItem(title=title, source="Russia Today") for title in _TEASER_TITLES]


def test_title_language_and_canonical_url(seed_record: CleanArticle) -> None:
    assert seed_record.title == "Lavrov thanks \u2018heroic' North Korean soldiers for helping liberate Kursk Region"
    assert seed_record.language == "en"
    assert seed_record.canonical_url is not None
    assert "utm_" not in seed_record.canonical_url
    assert "#" not in seed_record.canonical_url
    assert seed_record.removed_chars > 5000
