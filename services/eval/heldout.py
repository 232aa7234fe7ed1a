"""Held-out extraction quality: k-fold cross-validation grouped by site.

Protocol, for each input path (HTML, page-text.json, the HTML flattened by the stage):

1. Pages are split into `folds` folds by registered domain (services/eval/folds.py).
2. Every rule is switched off in turn (services/clean/rules.py; `site_template` is the site
   memory) and every page scored, each fold by a fresh stage.
3. For each fold, the rules are selected on the other folds: a rule whose removal does not lower
   the F1 of the training folds is switched off. (This is the only thing fitted; the rules' wording
   and thresholds were written on all development pages, which no protocol can undo.)
4. The fold's pages are scored by a fresh CleanStage with that selection. Its site memory starts
   empty and learns from the fold's own pages in stream order, as it would in production: it never
   holds a line of a training-fold page, and a site's pages all sit in one fold.

Held-out P and R are averaged over all pages (each scored once, in its fold); F1 from those averages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from services.clean import CleanStage
from services.clean.html_extract import HtmlExtraction, extract_html
from services.clean.rules import RULES
from services.eval.extraction import Score, extraction_dir, html_as_text_events, html_events, precision_recall, text_events
from services.eval.folds import registered_domain, site_folds
from services.messages import CleanArticle, RawArticle

SITE_TEMPLATE = "site_template"  # the per-site template memory, ablated by switching site learning off
ABLATED = (*RULES, SITE_TEMPLATE)

Pairs = list[tuple[float, float]]
Events = Sequence[tuple[RawArticle, str]]


class CachedHtmlExtractor:
    """extract_html memoised per page: trafilatura's output does not depend on the rules, and it is
    most of the cost of scoring a configuration."""

    def __init__(self) -> None:
        self._done: dict[tuple[str, str | None], HtmlExtraction] = {}

    def __call__(self, markup: str, url: str | None) -> HtmlExtraction:
        key = (markup, url)
        if key not in self._done:
            self._done[key] = extract_html(markup, url=url)
        return self._done[key]


StageFactory = Callable[[frozenset[str]], CleanStage]


def stage_factory(extractor: CachedHtmlExtractor) -> StageFactory:
    """A fresh stage with the named rules off."""

    def make(off: frozenset[str]) -> CleanStage:
        return CleanStage(site_learning=SITE_TEMPLATE not in off, disabled_rules=off - {SITE_TEMPLATE}, html_extractor=extractor)

    return make


def score_by_fold(events: Events, folds: Sequence[int], make_stage: Callable[[int], CleanStage]) -> Pairs:
    """(P, R) of every page, each fold's pages through their own fresh stage, in the events' order."""
    pairs: list[tuple[float, float]] = [(0.0, 0.0)] * len(events)
    for fold in sorted(set(folds)):
        stage = make_stage(fold)
        for index in (i for i, f in enumerate(folds) if f == fold):
            raw, truth = events[index]
            (result,) = stage.process([raw])
            pairs[index] = precision_recall(result.body if isinstance(result, CleanArticle) else "", truth)
    return pairs


def _without_rule(make_stage: StageFactory, rule: str) -> Callable[[int], CleanStage]:
    return lambda _fold: make_stage(frozenset({rule}))


def _f1_on(pairs: Pairs, indices: Sequence[int]) -> float:
    return Score.of([pairs[i] for i in indices]).f1


@dataclass(frozen=True)
class RuleAblation:
    """What switching one rule off does, on every page scored in its fold."""

    rule: str
    delta_f1: float  # F1 with every rule on minus F1 with this one off: > 0 means the rule helps
    held_out_delta_f1: float  # the same, counted only on folds whose training folds selected the rule
    folds_helped: int
    folds_hurt: int
    sites_helped: int
    sites_hurt: int


@dataclass(frozen=True)
class PathResult:
    """Fitted and held-out figures of one input path, with the rule ablation behind the held-out one."""

    name: str
    fitted: Score
    held_out: Score
    ablations: tuple[RuleAblation, ...]
    switched_off: tuple[frozenset[str], ...]  # per fold: rules the training folds did not support


def _ablation(rule: str, on: Pairs, off: Pairs, *, folds: Sequence[int], sites: Sequence[str], selected: Sequence[bool]) -> RuleAblation:
    """`selected[f]`: the training folds of fold f kept the rule."""
    by_fold: dict[int, list[int]] = defaultdict(list)
    by_site: dict[str, list[int]] = defaultdict(list)
    for index, (fold, site) in enumerate(zip(folds, sites, strict=True)):
        by_fold[fold].append(index)
        by_site[site].append(index)
    fold_deltas = [_f1_on(on, pages) - _f1_on(off, pages) for pages in by_fold.values()]
    site_deltas = [_f1_on(on, pages) - _f1_on(off, pages) for pages in by_site.values()]
    everything = range(len(on))
    # A held-out page has the rule only where its training folds selected it.
    held_out_on = [on[i] if selected[fold] else off[i] for i, fold in enumerate(folds)]
    return RuleAblation(
        rule=rule,
        delta_f1=_f1_on(on, everything) - _f1_on(off, everything),
        held_out_delta_f1=_f1_on(held_out_on, everything) - _f1_on(off, everything),
        folds_helped=sum(delta > 1e-9 for delta in fold_deltas),
        folds_hurt=sum(delta < -1e-9 for delta in fold_deltas),
        sites_helped=sum(delta > 1e-9 for delta in site_deltas),
        sites_hurt=sum(delta < -1e-9 for delta in site_deltas),
    )


def evaluate_path(name: str, events: Events, *, folds: int, make_stage: StageFactory, fitted: Score) -> PathResult:
    """Held-out score of one input path under the protocol in this module's docstring."""
    fold_of = site_folds([raw.url for raw, _ in events], folds)
    sites = [registered_domain(raw.url) for raw, _ in events]
    all_on = score_by_fold(events, fold_of, lambda _fold: make_stage(frozenset()))
    without = {rule: score_by_fold(events, fold_of, _without_rule(make_stage, rule)) for rule in ABLATED}
    switched_off = []
    for fold in range(folds):
        training = [i for i, f in enumerate(fold_of) if f != fold]
        base = _f1_on(all_on, training)
        switched_off.append(frozenset(rule for rule, pairs in without.items() if _f1_on(pairs, training) >= base))
    held_out = score_by_fold(events, fold_of, lambda fold: make_stage(switched_off[fold]))
    ablations = tuple(
        _ablation(rule, all_on, pairs, folds=fold_of, sites=sites, selected=[rule not in off for off in switched_off])
        for rule, pairs in without.items()
    )
    return PathResult(name, fitted, Score.of(held_out), ablations, tuple(switched_off))


@dataclass(frozen=True)
class HeldOutReport:
    """Fitted and held-out figures of every input path, and the rule ablation behind them."""

    paths: tuple[PathResult, ...]
    folds: int

    def render(self) -> str:
        rows = [f"{'input':<13} {'figures':<9} {'F1':>6} {'P':>6} {'R':>6} {'docs':>5}"]
        for path in self.paths:
            for kind, score in (("fitted", path.fitted), ("held-out", path.held_out)):
                rows.append(f"{path.name:<13} {kind:<9} {score.f1:6.3f} {score.precision:6.3f} {score.recall:6.3f} {score.documents:5d}")
        rows.append(
            f"held-out: {self.folds}-fold cross-validation grouped by registered domain; rules selected on the training folds,"
            " a fresh stage (empty site memory) per fold"
        )
        rows.append("")
        rows.append(
            "rule ablation: F1 with every rule on minus F1 with the rule off (all pages / held-out: only where the training folds kept it)"
        )
        header = f"{'rule':<20}" + "".join(f" {path.name + ' all':>17} {'held-out':>9} {'sites +/-':>9}" for path in self.paths)
        rows.append(header)
        for index, rule in enumerate(ABLATED):
            cells = []
            for path in self.paths:
                ablation = path.ablations[index]
                sites = f"{ablation.sites_helped}/{ablation.sites_hurt}"
                cells.append(f" {ablation.delta_f1:+17.4f} {ablation.held_out_delta_f1:+9.4f} {sites:>9}")
            rows.append(f"{rule:<20}" + "".join(cells))
        return "\n".join(rows)


def fitted_score(events: Events, make_stage: StageFactory) -> Score:
    """Every rule on, one stage over every page in order: the figure the development pages were tuned to."""
    return Score.of(score_by_fold(events, [0] * len(events), lambda _fold: make_stage(frozenset())))


def evaluate_heldout(data_dir: Path, *, folds: int = 5) -> HeldOutReport:
    """Fitted and held-out figures for the HTML pages, page-text.json and the HTML as flattened by the stage."""
    data_dir = extraction_dir(data_dir)
    make_stage = stage_factory(CachedHtmlExtractor())
    results = []
    for name, events in (("html", html_events(data_dir)), ("text", text_events(data_dir)), ("html as text", html_as_text_events(data_dir))):
        results.append(evaluate_path(name, events, folds=folds, make_stage=make_stage, fitted=fitted_score(events, make_stage)))
    return HeldOutReport(tuple(results), folds)
