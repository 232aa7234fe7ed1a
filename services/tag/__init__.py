"""The tag stage: named entities with canonical names, salience and ISO codes."""

from services.tag.backend import Mention, TaggerBackend
from services.tag.spacy_backend import DEFAULT_MODEL, SpacyBackend
from services.tag.stage import TagStage

__all__ = ["DEFAULT_MODEL", "Mention", "SpacyBackend", "TagStage", "TaggerBackend"]
