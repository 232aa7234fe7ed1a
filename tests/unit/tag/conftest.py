"""The spaCy model, loaded once per test session."""

from __future__ import annotations

import pytest

from services.tag import SpacyBackend


@pytest.fixture(scope="session")
def spacy_backend() -> SpacyBackend:
    return SpacyBackend.load()
