"""The clean stage: raw page in, extracted and normalised article (or a rejection) out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pydantic import BaseModel

from services.clean.body_check import is_scripts_only, rejection_detail
from services.clean.content_kind import content_kind, news_item_lines
from services.clean.flat_text import extract_flat
from services.clean.headline import headline_core, matches_headline
from services.clean.html_extract import HtmlExtraction, extract_html
from services.clean.html_recall import complete_paragraphs
from services.clean.language import LanguageDetector
from services.clean.line_signals import SignalCache, is_page_furniture
from services.clean.markdown import looks_like_markdown, plain_line
from services.clean.normalize import clean_line, join_paragraphs, lines_of, repair, unwrap, unwrap_blocks
from services.clean.page_bytes import Undecodable, html_of
from services.clean.rules import checked
from services.clean.site_memory import SiteMemory, trustworthy_template
from services.messages import CleanArticle, RawArticle, RelatedItem
from services.records import clean_article
from services.stage import Rejection
from services.urls import canonical_url
from services.words import word_count


def _site_of(raw: RawArticle) -> str | None:
    """The site whose template a page shares: its host without "www.", else the feed name."""
    if raw.url and (url := canonical_url(raw.url)):
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.") or None
    return raw.source or None


def _without_leading_title(paragraphs: list[str], title: str | None) -> list[str]:
    """The headline is the record's title, not part of its body."""
    content = [p for p in paragraphs if p]
    if content and title and matches_headline(content[0], headline_core(title)):
        return content[1:]
    return content


@dataclass(frozen=True)
class _Extraction:
    """What either input yields before the body is finished."""

    source_text: str
    paragraphs: list[str]
    title: str | None
    related: list[RelatedItem] = field(default_factory=list)
    # The page's own lines and its site's template among them: where a short or non-prose item is
    # looked for when no article of prose was found.
    page_lines: list[str] = field(default_factory=list)
    template: set[str] = field(default_factory=set)


class CleanStage:
    """Extracts the article body from HTML (preferred) or flattened text; satisfies Stage[RawArticle].

    With `site_learning`, the stage remembers which lines each site repeats across its pages and
    drops them as template; that memory (bounded, decaying) is the stage's only state.
    `disabled_rules` (names from services.clean.rules) and `html_extractor` exist for evaluation:
    switching rules off one at a time, and reusing trafilatura's output across such runs.
    """

    name = "clean"
    input_model = RawArticle

    def __init__(
        self,
        *,
        site_learning: bool = True,
        min_words: int = 20,
        min_item_words: int = 10,
        site_memory: SiteMemory | None = None,
        disabled_rules: Iterable[str] = (),
        html_extractor: Callable[[str, str | None], HtmlExtraction] | None = None,
    ) -> None:
        self._min_words = min_words
        self._min_item_words = min_item_words
        self._sites = (site_memory or SiteMemory()) if site_learning else None
        self._language = LanguageDetector()
        self._signals = SignalCache()
        self._disabled = checked(disabled_rules)
        self._extract_html = html_extractor or (lambda markup, url: extract_html(markup, url=url))

    def process(self, batch: Sequence[RawArticle]) -> list[BaseModel | Rejection]:
        return [self._clean_one(raw) for raw in batch]

    def _learn_template(self, site: str | None, lines: list[str]) -> set[str]:
        """The site's template among `lines` as known before this page; the page is then counted."""
        if self._sites is None or site is None:
            return set()
        return trustworthy_template(self._sites.template_then_observe(site, lines), lines)

    def _from_html(self, raw: RawArticle, html: str, site: str | None) -> _Extraction:
        extraction = self._extract_html(html, raw.url)
        paragraphs = unwrap([line for line in lines_of(extraction.body) if line])
        page_lines = [line for line in lines_of("\n".join(extraction.page_lines)) if line]
        # The page's own text, read as flat text: a second opinion on the body, and the teasers.
        flat = extract_flat(page_lines, signals_for=self._signals, disabled=self._disabled)
        if "html_recall_repair" not in self._disabled:
            paragraphs = complete_paragraphs(paragraphs, page_lines, flat.body_lines, min_words=self._min_words)
        template = self._learn_template(site, paragraphs)
        furniture = is_page_furniture if "html_furniture" not in self._disabled else (lambda _line: False)
        paragraphs = [p for p in paragraphs if p not in template and not furniture(p)]
        return _Extraction(
            source_text=html, paragraphs=paragraphs, title=extraction.title or raw.title, related=flat.related, page_lines=page_lines
        )

    def _from_text(self, raw: RawArticle, text: str, site: str | None) -> _Extraction:
        lines = lines_of(text)
        if looks_like_markdown(text):
            lines = [plain_line(line) for line in lines]
        lines = [line for line in unwrap_blocks(lines) if line]
        template = self._learn_template(site, lines)
        flat = extract_flat(lines, template=template, signals_for=self._signals, disabled=self._disabled)
        # The crawler's title beats a guess from the first line of flattened text.
        return _Extraction(
            source_text=text,
            paragraphs=flat.body_lines,
            title=raw.title or flat.title,
            related=flat.related,
            page_lines=lines,
            template=template,
        )

    def _clean_one(self, raw: RawArticle) -> BaseModel | Rejection:
        site = _site_of(raw)
        has_text = bool(raw.text and raw.text.strip())
        html = html_of(raw.html, raw.html_base64, raw.content_type)
        if isinstance(html, Undecodable):
            return Rejection("undecodable", html.detail)
        if html and html.strip():
            outcome = self._finish(raw, self._from_html(raw, html, site))
            if isinstance(outcome, CleanArticle):
                return outcome
            if not has_text:
                # Checked only on the way out, so pages with an article pay nothing for it.
                return Rejection("scripts_only", "the HTML holds scripts and no visible text") if is_scripts_only(html) else outcome
            # HTML is preferred, but when it yields no article the event's text still may.
        return self._finish(raw, self._from_text(raw, raw.text or "", site))

    def _finish(self, raw: RawArticle, extracted: _Extraction) -> CleanArticle | Rejection:
        title = clean_line(repair(extracted.title)) if extracted.title else None
        paragraphs = extracted.paragraphs
        if "leading_title" not in self._disabled:
            paragraphs = _without_leading_title(paragraphs, title)
        body = join_paragraphs(paragraphs)
        words, min_words = word_count(body), self._min_words
        if words < min_words:
            # No article of prose: results, a table or a brief are news all the same.
            item = news_item_lines(extracted.page_lines, template=extracted.template, min_words=self._min_item_words)
            if item is not None:
                paragraphs = _without_leading_title(item, title)
                body = join_paragraphs(paragraphs)
                words, min_words = word_count(body), self._min_item_words
        if (detail := rejection_detail(body, min_words=min_words, words=words)) is not None:
            return Rejection("empty_body", detail)
        guess = self._language.detect(body)
        return clean_article(
            raw,
            body=body,
            title=title or None,
            language=guess.code or raw.language,
            language_confidence=guess.confidence,
            removed_chars=max(0, len(extracted.source_text) - len(body)),
            related=extracted.related,
            content_kind=content_kind(paragraphs),
            words=words,
        )
