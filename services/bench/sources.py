"""Where the bench corpus comes from: the dev pages in ../shared/data, or seeds/ when the data is absent."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from trafilatura.utils import load_html

from services.clean.html_flatten import flatten


@dataclass(frozen=True)
class SourcePage:
    """One real page: its flattened text and/or HTML, and the article body inside it."""

    page_id: str
    url: str
    body: str
    text: str | None = None
    html: str | None = None
    renderings: tuple[str, ...] = field(default=())  # other extractors' texts of the same article (near duplicates)


@dataclass(frozen=True)
class Sources:
    """The pages a corpus is built from, and a one-line description of where they came from."""

    pages: tuple[SourcePage, ...]
    origin: str


def _renderings(events_path: Path) -> dict[str, list[str]]:
    """dedup-dev renderings by group (the first 12 hex digits of the page id), ground truth left out."""
    groups: dict[str, list[str]] = defaultdict(list)
    if not events_path.is_file():
        return groups
    for line in events_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        event = json.loads(line)
        if event.get("variant") != "ground-truth" and event.get("text", "").strip():
            groups[str(event["group"])].append(str(event["text"]))
    return groups


def load_dev_pages(data_dir: Path) -> Sources:
    """extraction-dev pages (HTML, page text, true body) with their dedup-dev renderings."""
    pages_dir = data_dir / "extraction-dev"
    truth: dict[str, dict[str, str]] = json.loads((pages_dir / "ground-truth.json").read_text(encoding="utf-8"))
    texts: dict[str, dict[str, str]] = json.loads((pages_dir / "page-text.json").read_text(encoding="utf-8"))
    renderings = _renderings(data_dir / "dedup-dev" / "events.jsonl")
    pages = []
    for page_id, gold in sorted(truth.items()):
        html_path = pages_dir / "html" / f"{page_id}.html.gz"
        html = gzip.decompress(html_path.read_bytes()).decode("utf-8", errors="replace") if html_path.is_file() else None
        pages.append(
            SourcePage(
                page_id=page_id,
                url=gold.get("url") or f"https://bench.example/{page_id}",
                body=gold["articleBody"],
                text=texts.get(page_id, {}).get("articleBody"),
                html=html,
                renderings=tuple(renderings.get(page_id[:12], ())),
            )
        )
    chinese = load_zh_pages(data_dir)
    origin = f"{pages_dir} ({len(pages)} pages), extraction-zh-dev ({len(chinese)} pages) and dedup-dev renderings"
    return Sources((*pages, *chinese), origin)


def load_zh_pages(data_dir: Path) -> tuple[SourcePage, ...]:
    """extraction-zh-dev pages (Chinese: GB2312/GBK and UTF-8 sites, decoded HTML and the true body),
    their text the HTML as the clean stage flattens it; none when the folder is absent."""
    pages_dir = data_dir / "extraction-zh-dev"
    if not (pages_dir / "truth.json").is_file() or not (pages_dir / "events.jsonl").is_file():
        return ()
    truth: dict[str, str] = json.loads((pages_dir / "truth.json").read_text(encoding="utf-8"))
    pages = []
    for line in (pages_dir / "events.jsonl").read_text(encoding="utf-8").splitlines():
        event = json.loads(line) if line.strip() else {}
        page_id, html = str(event.get("id", "")), event.get("html")
        if page_id not in truth or not isinstance(html, str):
            continue
        tree = load_html(html)
        text = "\n".join(flatten(tree)) if tree is not None else None
        url = str(event.get("url") or f"https://bench.example/{page_id}")
        pages.append(SourcePage(page_id=page_id, url=url, body=truth[page_id], text=text, html=html))
    return tuple(sorted(pages, key=lambda page: page.page_id))


def load_seed_pages(seeds_dir: Path) -> Sources:
    """seeds/*.jsonl events with a text or HTML body; the text is its own body (no frame around it)."""
    pages = []
    for path in sorted(seeds_dir.glob("*.jsonl")):
        for number, line in enumerate(path.read_bytes().splitlines()):
            try:
                event = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            if not isinstance(event, dict):
                continue
            text, html = event.get("text"), event.get("html")
            if not (isinstance(text, str) and text.strip()) and not (isinstance(html, str) and html.strip()):
                continue
            page_id = str(event.get("id") or f"{path.stem}-{number}")
            body = text if isinstance(text, str) and text.strip() else ""
            url = str(event.get("url") or f"https://seeds.example/{page_id}")
            pages.append(SourcePage(page_id=page_id, url=url, body=body, text=text or None, html=html or None))
    return Sources(tuple(pages), f"{seeds_dir} ({len(pages)} events)")


def load_sources(data_dir: Path, seeds_dir: Path) -> Sources:
    """The dev data when it is there, else seeds/."""
    if (data_dir / "extraction-dev" / "ground-truth.json").is_file():
        return load_dev_pages(data_dir)
    return load_seed_pages(seeds_dir)
