"""The message of every topic. schemas/ is generated from these models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

PIPELINE_VERSION = "0.1.0"


class Lineage(BaseModel):
    """Where the record a stage consumed came from."""

    model_config = ConfigDict(frozen=True)

    topic: str = Field(description="Topic of the consumed record.")
    partition: int = Field(description="Partition of the consumed record.")
    offset: int = Field(description="Offset of the consumed record.")


class RawArticle(BaseModel):
    """A page as a crawler or scraper publishes it to `articles.raw`.

    Unknown top-level fields are not an error: they are moved into `metadata`.
    """

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        default=None,
        min_length=1,
        max_length=512,
        description="Article id. Absent: derived from the canonical URL, else from a hash of the content.",
    )
    url: str | None = Field(default=None, max_length=8192, description="URL the page was fetched from.")
    source: str | None = Field(default=None, max_length=512, description="Publisher or feed name.")
    fetched_at: AwareDatetime = Field(description="When the page was fetched (ISO 8601, with a time zone).")
    published_at: AwareDatetime | None = Field(default=None, description="Publication time, when the page gives one (with a time zone).")
    title: str | None = Field(default=None, description="Title as the crawler saw it.")
    language: str | None = Field(default=None, description="Language hint from the crawler (ISO 639-1).")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Free-form crawler metadata, kept as is.")
    html: str | None = Field(default=None, description="The page's HTML, as text. At least one of html, html_base64 and text.")
    html_base64: str | None = Field(
        default=None,
        description=(
            "The page's bytes as served, base64 (standard alphabet, padded; line breaks allowed), for pages whose "
            "encoding the crawler did not decode. Read by the charset of `content_type`, a byte order mark, a "
            "<meta> declaration, else detection. With `html` as well, both must hold the same page."
        ),
    )
    content_type: str | None = Field(
        default=None,
        max_length=1024,
        description="The HTTP Content-Type the page was served with (`text/html; charset=gbk`); its charset reads `html_base64`.",
    )
    text: str | None = Field(default=None, description="The page flattened to text. At least one of html, html_base64 and text.")

    @model_validator(mode="before")
    @classmethod
    def _keep_unknown_fields_in_metadata(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        unknown = {key: value for key, value in data.items() if key not in cls.model_fields}
        metadata = data.get("metadata") or {}
        if not unknown or not isinstance(metadata, dict):
            return data
        known = {key: value for key, value in data.items() if key in cls.model_fields}
        known["metadata"] = {**metadata, "extra_fields": unknown}
        return known

    @model_validator(mode="after")
    def _has_content(self) -> RawArticle:
        if not any(value and value.strip() for value in (self.html, self.html_base64, self.text)):
            raise PydanticCustomError("missing_body", "an article needs a non-empty `html`, `html_base64` or `text`")
        return self


class RelatedItem(BaseModel):
    """A teaser of another article found on the page (\"Related Articles\")."""

    title: str = Field(description="The teaser's headline.")
    source: str | None = Field(default=None, description="The teaser's publisher, where the page names one.")


class Record(BaseModel):
    """Fields every record after the raw topic carries."""

    id: str = Field(description="Article id; also the Kafka key.")
    lineage: Lineage | None = Field(default=None, description="The consumed record this one was made from.")
    pipeline_version: str = Field(default=PIPELINE_VERSION, description="Version of newsflow that wrote the record.")
    stage_times: dict[str, datetime] = Field(default_factory=dict, description="When each stage processed the article, by stage name.")


ContentKind = Literal["story", "brief", "table", "listing"]


class CleanArticle(Record):
    """An extracted, normalised article on `articles.clean`."""

    url: str | None = Field(default=None, description="URL as fetched.")
    canonical_url: str | None = Field(default=None, description="Lower-case host, no fragment, no tracking parameters.")
    source: str | None = Field(default=None, description="Publisher or feed name.")
    fetched_at: AwareDatetime = Field(description="When the page was fetched.")
    published_at: AwareDatetime | None = Field(default=None, description="Publication time, when known.")
    title: str | None = Field(default=None, description="The article's title.")
    body: str = Field(description="The article body: paragraphs separated by blank lines, no page chrome.")
    language: str | None = Field(default=None, description="Detected language, ISO 639-1.")
    language_confidence: float = Field(default=0.0, ge=0.0, le=1.0, description="Confidence of the detected language.")
    word_count: int = Field(
        ge=0,
        description=(
            "Words in the body. In scripts written with spaces (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Hangul, ...) "
            "a word is a run of letters and digits; in scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, "
            "Khmer, Myanmar, Tibetan) the words are those ICU's dictionary word breaker finds (a Chinese word is about two "
            "characters). The article checks use the same count, so it means the same in every language."
        ),
    )
    content_kind: ContentKind = Field(
        default="story",
        description=(
            "What kind of news the body is, read from how its text is built (services/clean/content_kind.py): "
            "`story`, prose of 150 words or more; `brief`, prose shorter than that (a wire brief, a live-blog entry, "
            "a photo caption); `table`, mostly rows of names and figures (results, standings, fixtures, market "
            "tables); `listing`, mostly short items one to a line that are neither rows nor sentences."
        ),
    )
    removed_chars: int = Field(ge=0, description="Characters of the input that were dropped as boilerplate.")
    related: list[RelatedItem] = Field(default_factory=list, description="Teasers of other articles found on the page.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Crawler metadata, passed through.")


DuplicateKind = Literal["exact", "near", "url", "resend", "update"]


class UniqueArticle(CleanArticle):
    """A story's representative on `articles.unique`: its earliest copy, or a new revision of it.

    Consumers upsert by `id`: a record with a higher `revision` replaces the earlier one.
    """

    cluster_id: str = Field(description="Id of the story cluster: the id of its representative (this article's own id).")
    content_hash: str = Field(description="Hash of the normalised body.")
    revision: int = Field(default=1, ge=1, description="1 for the first body of this id; 2, 3, ... for each changed body (an update).")
    previous_content_hash: str | None = Field(
        default=None, description="`content_hash` of the revision this one replaces; null for revision 1."
    )


class DuplicateArticle(CleanArticle):
    """A copy on `articles.duplicates`, pointing at its story's representative."""

    cluster_id: str = Field(description="Id of the story cluster: the id of its representative.")
    content_hash: str = Field(description="Hash of the normalised body.")
    duplicate_of: str = Field(
        description="Id of the story's representative (never another duplicate); for a resend of the representative, its own id."
    )
    kind: DuplicateKind = Field(
        description="exact: same body; near: similar body; url: same canonical URL; resend: this id again with the same body; "
        "update: a changed body of an id that is itself a copy."
    )
    similarity: float = Field(ge=0.0, le=1.0, description="Estimated similarity to `duplicate_of` (1 for exact and resend).")
    revision: int = Field(default=1, ge=1, description="Revision of this id's body the record carries (see UniqueArticle).")
    previous_content_hash: str | None = Field(default=None, description="For an update: `content_hash` of the revision it replaces.")


EntityLabel = str


class Entity(BaseModel):
    """A named entity found in the body."""

    text: str = Field(description="The mention as written.")
    label: EntityLabel = Field(
        description="OntoNotes label (PERSON, ORG, GPE, LOC, NORP, ...) in every language; MISC: other names a model does not split."
    )
    start: int = Field(ge=0, description="Character offset of the mention in `body` (inclusive).")
    end: int = Field(ge=0, description="Character offset of the mention's end in `body` (exclusive).")
    canonical: str = Field(description='Name of the entity merged within the document ("Lavrov" -> "Sergey Lavrov").')
    mentions: int = Field(default=1, ge=1, description="Mentions of the canonical entity in the document.")
    salience: float = Field(default=0.0, ge=0.0, le=1.0, description="How central the entity is: title, lead position, frequency.")
    iso_code: str | None = Field(default=None, description="ISO 3166 code of a country or similar place, when a gazetteer gives one.")


class EntitySummary(BaseModel):
    """The most salient entities of an article, by kind, canonical names first-to-last by salience."""

    people: list[str] = Field(default_factory=list, description="Top PERSON entities.")
    organisations: list[str] = Field(default_factory=list, description="Top ORG entities.")
    places: list[str] = Field(default_factory=list, description="Top GPE, LOC and FAC entities.")


TaggingStatus = Literal["tagged", "skipped"]


class Tagging(BaseModel):
    """Whether the body was run through a NER model, and which, so "no entities" never hides "not tagged"."""

    status: TaggingStatus = Field(description="tagged: a model read the body; skipped: none did, so `entities` says nothing.")
    reason: str | None = Field(
        default=None, description="Why the body was skipped (e.g. \"language 'de' has no model\"); null when tagged."
    )
    language: str | None = Field(
        default=None,
        description="ISO 639-1 language of the model that tagged the body; when skipped, the article's language (null: unknown).",
    )
    model: str | None = Field(default=None, description="Package name of the NER model; null when skipped.")
    version: str | None = Field(default=None, description="Version of that model; null when skipped.")


class EnrichedArticle(UniqueArticle):
    """A unique article with its entities, on `articles.enriched`."""

    tagging: Tagging = Field(description="Whether and how the body was tagged.")
    entities: list[Entity] = Field(default_factory=list, description="Every entity mention, in body order.")
    summary: EntitySummary = Field(default_factory=EntitySummary, description="Top people, organisations and places.")


class DeadLetter(BaseModel):
    """A rejected input on `articles.dlq`, with what is needed to redrive it."""

    stage: str = Field(description="Stage that rejected the input.")
    reason: str = Field(description="Machine-readable reason code, e.g. invalid_json, empty_body.")
    detail: str = Field(description="Human-readable explanation.")
    article_id: str | None = Field(default=None, description="Article id, when it could be read.")
    original_key: str | None = Field(default=None, description="Key of the rejected record, base64.")
    original_value: str = Field(
        description="Bytes of the rejected record, base64; only the first max_payload_bytes when it was larger (see original_truncated)."
    )
    original_size: int | None = Field(default=None, ge=0, description="Size of the rejected record's value, in bytes.")
    original_sha256: str | None = Field(default=None, description="SHA-256 of the rejected record's whole value, hex.")
    original_truncated: bool = Field(
        default=False, description="True when original_value holds only the first bytes; the whole is at `lineage` while it is retained."
    )
    lineage: Lineage = Field(description="Topic, partition and offset of the rejected record.")
    pipeline_version: str = Field(default=PIPELINE_VERSION, description="Version of newsflow that rejected it.")
    failed_at: datetime = Field(description="When it was rejected.")
