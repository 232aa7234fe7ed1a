"""Dedup stage: exact, same-URL and near-duplicate detection over a time window."""

from services.dedup.stage import DedupStage
from services.dedup.state import DedupState

__all__ = ["DedupStage", "DedupState"]
