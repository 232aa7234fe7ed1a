"""What one line of flattened text looks like: cues that survive the loss of the DOM."""

from __future__ import annotations

import re
from typing import NamedTuple

from services.clean.chrome_phrases import phrase_kinds
from services.clean.furniture import is_furniture
from services.words import words as words_of

# Full stops, question and exclamation marks of Latin, CJK, Arabic/Urdu, Devanagari, Armenian,
# Ethiopic and Myanmar script.
# A teaser cut short ("... ") is a headline and a sentence or two; a longer line that ends in dots
# is an article cut off, or a whole article on one line.
_MAX_CHROME_WORDS = 300
_MIN_TEASER_WORDS = 8
_MAX_TEASER_WORDS = 60
_SENTENCE_MARKS = frozenset(".!?\u2026\u3002\uff01\uff0e\uff1f\u061f\u06d4\u0964\u0965\u0589\u1362\u104b")
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
# "2 hours ago", "Nov 18 52 photos", "Rating: 36 Votes", "9H ago 01:01:43": stream metadata, not prose.
_STREAM_METADATA = re.compile(
    r"^(-\s*)?(\d+\s*(s|m|h|d|min|mins|minutes?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b.*"
    r"|rating:\s*\d+.*|\d+\s+(photos|votes|views|shares|likes)|\d{1,2}:\d{2}(:\d{2})?( [ap]m)?)$",
    re.IGNORECASE,
)


class LineSignals(NamedTuple):
    """Cues about one non-blank line (a NamedTuple: built for every line, so cheap to create)."""

    words: int
    sentence_end: bool
    chrome: bool
    section_end: bool
    stream_metadata: bool
    truncated: bool
    furniture: bool  # caption credit, byline, dateline or call to action
    ad_marker: bool  # "Advertisement": chrome that interrupts the article without ending it


def ends_sentence(line: str) -> bool:
    """Whether the line ends in a sentence mark of any script, closing quotes and brackets aside."""
    return line.rstrip(_CLOSERS)[-1:] in _SENTENCE_MARKS


def signals_of(line: str) -> LineSignals:
    folded = line.casefold()
    # Words of any script (segmented where the script has no spaces), so length means the same everywhere.
    tokens = words_of(folded)
    words = len(tokens)
    short = words <= 12
    # A line this long is never only chrome, whatever it starts with ("We use cookies... <article>").
    chrome, section_end, ad_marker = phrase_kinds(folded) if words <= _MAX_CHROME_WORDS else (False, False, False)
    sentence_end = ends_sentence(line)
    return LineSignals(
        words=words,
        sentence_end=sentence_end,
        chrome=chrome,
        section_end=short and section_end,
        stream_metadata=short and bool(_STREAM_METADATA.match(line)),
        truncated=line.endswith(("...", "\u2026")),
        furniture=is_furniture(folded, tokens, sentence_end=sentence_end),
        ad_marker=ad_marker,
    )


class SignalCache:
    """Signals of recently seen lines. Menus, footers and share bars repeat across pages (four lines
    in ten on the dev pages), so most of them are computed once. Signals are a pure function of the
    line, so the cache changes speed only; it is bounded and simply starts over when full."""

    def __init__(self, *, max_lines: int = 50_000, max_line_chars: int = 200) -> None:
        self._signals: dict[str, LineSignals] = {}
        self._max_lines = max_lines
        self._max_line_chars = max_line_chars  # long prose lines rarely repeat: not worth holding

    def __call__(self, line: str) -> LineSignals:
        found = self._signals.get(line)
        if found is None:
            found = signals_of(line)
            if len(line) <= self._max_line_chars:
                if len(self._signals) >= self._max_lines:
                    self._signals.clear()
                self._signals[line] = found
        return found

    def __len__(self) -> int:
        return len(self._signals)


def is_page_furniture(line: str) -> bool:
    """Chrome, stream metadata, caption credit, byline, dateline or call to action: never article text
    on its own line, whichever extractor kept it."""
    signals = signals_of(line)
    return signals.chrome or signals.stream_metadata or signals.furniture


def _penalty(signals: LineSignals) -> float | None:
    """The score of a line that is plainly not prose, else None."""
    if signals.ad_marker:
        return -0.1
    if signals.chrome or signals.stream_metadata:
        return -1.5
    if signals.words == 0:
        return -1.0
    if signals.furniture:
        return -0.6
    if signals.truncated and _MIN_TEASER_WORDS <= signals.words <= _MAX_TEASER_WORDS:
        return -0.5  # a teaser cut short ("...") stands for another article
    return None


def content_score(signals: LineSignals) -> float:
    """Evidence that a line is article prose: positive and growing with length for paragraphs,
    slightly negative for short neutral lines, clearly negative for chrome."""
    if (penalty := _penalty(signals)) is not None:
        return penalty
    prose_like = signals.sentence_end or signals.words >= 20
    if prose_like and signals.words >= 8:
        return min(signals.words / 12.0, 3.0)
    if prose_like and signals.words >= 4:
        return 0.2
    return -0.35
