"""Duplicate renderings built from an extraction folder: the same article as crawlers deliver it in five forms.

Per page (`events.jsonl` with the HTML, `truth.json` with the body a person marked): the HTML;
the true body; trafilatura's body; the whole page flattened to text (navigation and all); and an
edited copy of the true body (a few characters replaced, one sentence dropped). Renderings of a page
share its group; pages are different articles. The events come in a fixed shuffled order, so no
form is always the first seen.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import trafilatura
from lxml import html as lxml_html

from services.clean.html_flatten import flatten

_SEED = 20261129
_EDITED_CHARACTERS = 3
_SENTENCE_END = re.compile(r"(?<=[。！？!?.])")


def _sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def edited_copy(text: str, rng: random.Random) -> str:
    """`text` with a few word characters replaced by others of the same text and one sentence dropped."""
    characters = list(text)
    positions = [at for at, character in enumerate(characters) if character.isalnum()]
    pool = [characters[at] for at in positions] or ["x"]
    for at in rng.sample(positions, min(_EDITED_CHARACTERS, len(positions))):
        characters[at] = rng.choice(pool)
    sentences = _sentences("".join(characters))
    if len(sentences) > 3:
        del sentences[rng.randrange(1, len(sentences))]
    return "".join(sentences)


def _flattened(html: str) -> str:
    return "\n".join(flatten(lxml_html.document_fromstring(html)))


def page_renderings(page_id: str, html: str, truth: str, rng: random.Random) -> list[dict[str, Any]]:
    """The five renderings of one page as events: `event_id`, `group`, and `html` or `text`."""
    extracted = trafilatura.extract(html) or ""
    forms: list[tuple[str, dict[str, str]]] = [
        ("html", {"html": html}),
        ("truth", {"text": truth}),
        ("trafilatura", {"text": extracted}),
        ("page", {"text": _flattened(html)}),
        ("edited", {"text": edited_copy(truth, rng)}),
    ]
    return [{"event_id": f"{page_id}-{form}", "group": page_id, **content} for form, content in forms if "".join(content.values()).strip()]


def build_renderings(folder: Path, *, html: bool = True) -> list[dict[str, Any]]:
    """Every page's renderings, shuffled with a fixed seed; without `html`, the text renderings only
    (dedup reads bodies: HTML reaches it only through the clean stage)."""
    truths: dict[str, str] = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    pages = [json.loads(line) for line in (folder / "events.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(_SEED)  # noqa: S311 - a reproducible shuffle, not a secret
    events = [
        event for page in pages if page["id"] in truths for event in page_renderings(page["id"], page["html"], truths[page["id"]], rng)
    ]
    rng.shuffle(events)
    return events if html else [event for event in events if "text" in event]
