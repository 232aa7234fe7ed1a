"""The clean stage's hand-written rules by name, so that each one can be switched off and its worth measured.

The stage runs with every rule on; `newsflow eval extraction --ablation` switches them off one at a
time and scores the held-out folds (see services/eval/heldout.py). A rule stays in the code only while
switching it off costs quality on pages of sites it was not written for.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.clean.line_signals import LineSignals

# Cues of LineSignals that rules act on: switching the rule off reads the cue as absent.
SIGNAL_RULES: dict[str, str] = {
    "chrome": "navigation, sharing and legal phrases score as chrome",
    "section_end": "headings such as Comments or Related end or box the article",
    "stream_metadata": "'2 hours ago', '52 photos' lines score as chrome",
    "truncated": "a line ending in '...' of teaser length scores as a teaser",
    "furniture": "caption credits, bylines, datelines, calls to action score as non-prose",
    "ad_marker": "an ad slot's label pauses the article instead of counting as chrome",
}
RULES: dict[str, str] = {
    **SIGNAL_RULES,
    "cut_off_paragraphs": "a '...' line right below prose is the article cut off, not a teaser",
    "table_rows": "3+ rows with the same count of numbers are article content",
    "numbered_lists": "3+ consecutive numbered items are article content",
    "headline_repeat": "the article starts below the repeated headline (h1)",
    "section_end_cut": "the article ends at a comment heading or a list of dated teasers",
    "box_lines": "short lines after a section heading inside the run are teasers",
    "standfirst": "a lone prose line above the byline is a standfirst, dropped",
    "leading_title": "a first paragraph that repeats the title is dropped",
    "html_recall_repair": "the flat-text reading completes or replaces trafilatura's body",
    "html_furniture": "chrome, metadata and furniture paragraphs are dropped from trafilatura's body",
}


def checked(disabled: Iterable[str]) -> frozenset[str]:
    """`disabled` as a frozenset, every name a known rule (a typo would silently measure nothing)."""
    names = frozenset(disabled)
    if unknown := sorted(names - RULES.keys()):
        raise ValueError(f"unknown clean rules: {', '.join(unknown)} (known: {', '.join(RULES)})")
    return names


def masked(signals: list[LineSignals], disabled: frozenset[str]) -> list[LineSignals]:
    """The lines' signals with the cues of disabled signal rules read as absent."""
    off = {name: False for name in SIGNAL_RULES if name in disabled}
    return [signal._replace(**off) for signal in signals] if off else signals
