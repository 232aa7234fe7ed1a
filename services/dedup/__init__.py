"""Dedup stage: exact, same-URL and near-duplicate detection over a time window.

State lives in this process (`DedupState`, persisted to a file) or in Redis (`RedisDedupState`,
shared by instances); both satisfy `DedupStore`.
"""

from services.dedup.decision import Decision, DedupStore, MatchPolicy, Probe
from services.dedup.redis_state import RedisDedupState
from services.dedup.stage import DedupStage
from services.dedup.state import DedupState

__all__ = ["Decision", "DedupStage", "DedupState", "DedupStore", "MatchPolicy", "Probe", "RedisDedupState"]
