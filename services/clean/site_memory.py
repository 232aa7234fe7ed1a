"""Per-site line frequencies: a line that recurs across many pages of one site is its template.

Memory is bounded (at most `max_sites` sites, least recently seen evicted first; at most
`max_lines_per_site` lines per site, weakest dropped first) and forgets: every line's weight
halves after `half_life_pages` further pages of its site, so a changed template fades out.
A remembered line costs about 130 bytes, so the defaults hold at most ~65 MB.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from services.words import word_count

# Lines this long are prose, not template candidates, when a page mostly repeats a known one.
_PROSE_WORDS = 12


def trustworthy_template(template: set[str], lines: list[str]) -> set[str]:
    """The site template to drop from this page, unless the page mostly repeats an earlier one.

    When most of a page's prose is "known", the page is a re-crawl or an update of an article
    already seen, not a new article in the site's frame: then only short lines are dropped, so
    the dedup stage still sees the full copy.
    """
    if not template:
        return template
    prose = [line for line in lines if word_count(line) >= _PROSE_WORDS]
    if prose and sum(1 for line in prose if line in template) > 0.5 * len(prose):
        return {line for line in template if word_count(line) < _PROSE_WORDS}
    return template


def _key(line: str) -> int:
    # A short stable digest: same key in every process (unlike hash()), 8 bytes per line kept.
    return int.from_bytes(hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest(), "big")


@dataclass
class _Site:
    clock: int = 0  # pages of this site observed so far
    pages: float = 0.0  # decayed page count
    lines: dict[int, tuple[float, int]] = field(default_factory=dict)  # key -> (weight, clock at last update)


class SiteMemory:
    """Decaying, bounded counts of which lines each site repeats from page to page."""

    def __init__(
        self,
        *,
        max_sites: int = 500,
        max_lines_per_site: int = 1000,
        half_life_pages: float = 100.0,
        min_pages: int = 2,
        min_share: float = 0.3,
    ) -> None:
        self._sites: OrderedDict[str, _Site] = OrderedDict()
        self._max_sites = max_sites
        self._max_lines = max_lines_per_site
        self._decay = 0.5 ** (1.0 / half_life_pages)
        # The weight of a line seen on the site's last `min_pages` pages; decay makes it a bit under min_pages.
        self._min_weight = sum(self._decay**age for age in range(min_pages)) - 1e-9
        self._min_share = min_share

    def __len__(self) -> int:
        return len(self._sites)

    def lines_known(self, site: str) -> int:
        """How many distinct lines are remembered for `site` (for tests and metrics)."""
        state = self._sites.get(site)
        return len(state.lines) if state else 0

    def template_lines(self, site: str, lines: Iterable[str]) -> set[str]:
        """Those of `lines` the site has shown on at least `min_pages` earlier pages and on
        at least `min_share` of its recent pages."""
        state = self._sites.get(site)
        if state is None:
            return set()
        return {line for line in lines if self._is_template(state, state.lines.get(_key(line)))}

    def observe(self, site: str, lines: Iterable[str]) -> None:
        """Count one page of `site` with these lines."""
        self._count(self._touch(site), {_key(line) for line in lines if line})

    def template_then_observe(self, site: str, lines: list[str]) -> set[str]:
        """`template_lines` as of before this page, then `observe` it: one hashing pass per line."""
        keys = [_key(line) for line in lines]
        state = self._sites.get(site)
        template = (
            {line for line, key in zip(lines, keys, strict=True) if self._is_template(state, state.lines.get(key))} if state else set()
        )
        self._count(self._touch(site), set(keys))
        return template

    def _is_template(self, state: _Site | None, entry: tuple[float, int] | None) -> bool:
        if state is None or entry is None:
            return False
        weight: float = entry[0] * self._decay ** (state.clock - entry[1])
        return weight >= self._min_weight and weight >= self._min_share * state.pages

    def _touch(self, site: str) -> _Site:
        """The site's state, marked most recently seen; the least recent site goes beyond the cap."""
        state = self._sites.pop(site, None) or _Site()
        self._sites[site] = state
        if len(self._sites) > self._max_sites:
            self._sites.popitem(last=False)
        return state

    def _count(self, state: _Site, keys: set[int]) -> None:
        state.clock += 1
        state.pages = state.pages * self._decay + 1.0
        for key in keys:
            weight, last = state.lines.get(key, (0.0, state.clock))
            state.lines[key] = (weight * self._decay ** (state.clock - last) + 1.0, state.clock)
        if len(state.lines) > self._max_lines:
            self._prune(state)

    def _prune(self, state: _Site) -> None:
        """Keep the strongest three quarters of the cap, so pruning is rare (amortised)."""

        def current(item: tuple[int, tuple[float, int]]) -> tuple[float, int]:
            key, (weight, last) = item
            return (weight * self._decay ** (state.clock - last), key)

        strongest = sorted(state.lines.items(), key=current, reverse=True)[: self._max_lines * 3 // 4]
        state.lines = dict(strongest)
